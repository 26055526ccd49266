import type { Clock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import type { NonceStore } from '../core/ports/nonce-store.js';
import type { VerificationService } from '../verification/verification-service.js';
import type { SignInPort, SignInRequest, SignInSuccess } from './sign-in-port.js';

/** How long the one-shot challenge this adapter registers lives: it is consumed by the verification that follows at once. */
const ONE_SHOT_CHALLENGE_MS = 60_000;

/**
 * The sign-in use case over today's single-presentation verification, until
 * the submission refactor (issue 10) lands: the request's nonce is registered
 * as a one-shot challenge whose `domain` is the client_id — at response time,
 * never before, so the nonce cannot be spent through another endpoint — and
 * the checks table consumes it exactly as for `POST /v1/presentations/verify`.
 *
 * Limits of this adapter (lifted by the SignIn of issue 10): one presentation
 * per vp_token (the checks table verifies one presentation), `dpopJkt` not bound.
 */
export class ChallengeSignIn implements SignInPort {
  constructor(
    private readonly verification: VerificationService,
    private readonly nonces: NonceStore,
    private readonly clock: Clock,
  ) {}

  async signIn(request: SignInRequest): Promise<SignInSuccess> {
    const { binding, submission } = request;
    if (binding.kind !== 'oid4vp') throw new TypeError('ChallengeSignIn serves the OpenID4VP door only');
    const [only, ...more] = submission.presentations;
    if (!only || more.length > 0) {
      throw new KpartyError('presentation.rejected', 'the vp_token must hold exactly one presentation', {
        errors: [
          {
            code: 'presentation.malformed',
            path: 'vp_token',
            detail: `this kparty verifies one presentation per OpenID4VP response; got ${submission.presentations.length}`,
          },
        ],
      });
    }
    const now = this.clock.now();
    await this.nonces.issue({ nonce: binding.nonce, policyId: request.policyId, domain: binding.clientId, createdAt: now, expiresAt: now + ONE_SHOT_CHALLENGE_MS });
    try {
      return await this.verification.verify(request.policyId, only.input, request.requestId);
    } finally {
      // A presentation naming another nonce left this one unconsumed: spend it, so it never serves another endpoint.
      await this.nonces.consume(binding.nonce, this.clock.now()).catch(() => null);
    }
  }
}
