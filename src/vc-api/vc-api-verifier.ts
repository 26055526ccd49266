/**
 * The W3C VC API verifier endpoints (VC API "Verifying": `POST /credentials/verify`,
 * `POST /presentations/verify`) as an adapter over kparty's one verification
 * pipeline (src/verification/verify-submission.ts): the same format registry,
 * DID resolution, proof checks, validity periods and status checks — no
 * second pipeline. Verification only: no policy, no holder binding, no
 * session. See docs/api.md "W3C VC API verifier".
 */
import { KpartyError } from '../core/errors.js';
import type { CheckFailure } from '../core/model/check.js';
import type { CredentialQuery, PresentationPolicy } from '../core/model/policy.js';
import type { NonceStore } from '../core/ports/nonce-store.js';
import { StandaloneCredential } from '../formats/standalone-credential.js';
import { audienceCheck } from '../verification/checks/audience.js';
import { challengeCheck } from '../verification/checks/challenge.js';
import { parseCheck } from '../verification/checks/parse.js';
import { resolveDidsCheck } from '../verification/checks/resolve-dids.js';
import { signaturesCheck } from '../verification/checks/signatures.js';
import { statusCheck } from '../verification/checks/status.js';
import { validityPeriodCheck } from '../verification/checks/validity-period.js';
import { singlePresentation, type SubmissionBinding } from '../verification/submission.js';
import type { VerificationCheck, VerificationDependencies } from '../verification/verification-context.js';
import type { VerificationResult } from '../verification/verification-result.js';
import { verifySubmission } from '../verification/verify-submission.js';

/** VC API `options` kparty reads. */
export interface VcApiOptions {
  challenge?: string;
  domain?: string;
}

/** VC API "VerificationResult" (200): the checks that ran, and what each credential's status was. */
export interface VcApiVerification {
  verified: true;
  checks: string[];
  warnings: string[];
  errors: [];
  /** kparty's addition: each credential's issuer, types and status outcome (docs/api.md). */
  credentials: Array<{ format: string; issuer: string; type: string[]; status: string }>;
}

/** The checks of the pipeline that do not depend on a relying party's policy (no DCQL, holder binding, session). */
const CREDENTIAL_CHECKS: readonly VerificationCheck[] = [parseCheck, resolveDidsCheck, signaturesCheck, validityPeriodCheck, statusCheck];

/** Audience kparty reports a VC API verification against when the caller names no domain (never matched against anything). */
const NO_AUDIENCE = 'urn:kparty:vc-api';

/**
 * A verification-only "policy": one query per credential format, any issuer
 * (`*`), status `required`. It only tells the status check what to do; no
 * policy evaluation runs, and `*` never lets another issuer sign a status
 * list (src/verification/checks/status.ts).
 */
function verificationOnlyPolicy(formats: readonly string[], audience: string): PresentationPolicy {
  const credentials: CredentialQuery[] = formats.map((format, index) => ({ id: `vc-api-${index}`, format, trustedIssuers: ['*'], status: 'required' }));
  return { id: 'vc-api', audience, credentials, holderBinding: 'none' };
}

function rejected(result: VerificationResult, what: 'presentation' | 'credential'): KpartyError {
  const errors: CheckFailure[] = result.failures.map(({ code, path, detail }) => ({ code, path, detail }));
  return new KpartyError(what === 'presentation' ? 'presentation.rejected' : 'credential.rejected', `${errors.length} check(s) failed`, { errors });
}

function success(result: VerificationResult, checks: string[]): VcApiVerification {
  return {
    verified: true,
    checks,
    warnings: [],
    errors: [],
    credentials: result.credentials.map((c) => ({ format: c.format, issuer: c.issuer, type: [...c.types], status: c.status })),
  };
}

export class VcApiVerifier {
  constructor(
    private readonly deps: VerificationDependencies,
    private readonly nonces: NonceStore,
  ) {}

  private policy(audience: string): PresentationPolicy {
    return verificationOnlyPolicy(
      this.deps.formats.credentialFormats.map((f) => f.id),
      audience,
    );
  }

  /** `POST /credentials/verify`: the credential's proof, validity period and status. @throws KpartyError `credential.rejected` (422). */
  async verifyCredential(credential: unknown): Promise<VcApiVerification> {
    const verified = withoutPolicyVerdict(
      await verifySubmission(
        this.policy(NO_AUDIENCE),
        singlePresentation(new StandaloneCredential(credential)),
        { kind: 'challenge' },
        this.deps,
        CREDENTIAL_CHECKS,
      ),
    );
    // The wrapper presentation has no holder by construction: what the checks say about it (and only that) is not the credential's fault.
    const result: VerificationResult = {
      ...verified,
      failures: verified.failures.filter((f) => !(f.credential === undefined && f.code === 'presentation.malformed' && f.presentation !== undefined)),
    };
    const valid = result.credentials.length === 1 && result.credentials.every((c) => c.valid) && result.failures.length === 0 && result.errorsOmitted === 0;
    // A standalone credential has no holder proof, so the pipeline's own verdict (which requires one) is not used here.
    if (!valid) throw rejected(withReason(result), 'credential');
    return success(result, ['proof', 'validity', 'status']);
  }

  /**
   * `POST /presentations/verify`: the holder's proof and each credential's.
   * - `options.challenge` issued by kparty (POST /v1/challenges): consumed
   *   now, once, like any kparty challenge; the audience is its `domain`
   *   unless `options.domain` is given.
   * - any other `options.challenge`: the caller's own; the presentation must
   *   answer it, nothing is consumed (replay protection is the caller's).
   * - no `options.challenge`: the proof's challenge is not compared.
   * - `options.domain`: the presentation's proof must name it.
   * @throws KpartyError `presentation.rejected` (422).
   */
  async verifyPresentation(presentation: unknown, options: VcApiOptions): Promise<VcApiVerification> {
    const nonce = options.challenge;
    let audience = options.domain;
    if (nonce !== undefined) {
      const issued = nonce.length <= 256 ? await this.nonces.consume(nonce, this.deps.clock.now()) : null;
      if (issued) audience ??= issued.domain;
    }
    const checks: VerificationCheck[] = [parseCheck];
    const names = ['proof', 'validity', 'status'];
    let binding: SubmissionBinding = { kind: 'challenge' };
    if (nonce !== undefined) {
      // The caller-supplied binding: compared, never consumed by the pipeline (consumed above when it was kparty's).
      binding = { kind: 'oid4vp', nonce, clientId: audience ?? NO_AUDIENCE, responseUri: NO_AUDIENCE };
      checks.push(challengeCheck);
      names.push('challenge');
    }
    if (audience !== undefined) {
      // Compared with the challenge binding's audience, or (no challenge) with the verification-only policy's, which is `audience`.
      checks.push(audienceCheck);
      names.push('domain');
    }
    checks.push(resolveDidsCheck, signaturesCheck, validityPeriodCheck, statusCheck);
    const result = withoutPolicyVerdict(
      await verifySubmission(this.policy(audience ?? NO_AUDIENCE), singlePresentation(presentation), binding, this.deps, checks),
    );
    const valid =
      result.failures.length === 0 &&
      result.errorsOmitted === 0 &&
      result.presentations.length === 1 &&
      result.presentations.every((p) => p.holderProofValid) &&
      result.credentials.every((c) => c.valid);
    if (!valid) throw rejected(withReason(result), 'presentation');
    return success(result, names);
  }
}

/**
 * No policy is evaluated here, so the pipeline's own verdict (which requires a satisfied policy) does not apply, nor
 * the `policy.unsatisfied` it adds when it has no other reason; the adapter decides from the checks that ran.
 */
function withoutPolicyVerdict(result: VerificationResult): VerificationResult {
  return { ...result, failures: result.failures.filter((f) => f.code !== 'policy.unsatisfied') };
}

/** Never a rejection without a reason (the pipeline adds `policy.unsatisfied` only when it itself has no failure). */
function withReason(result: VerificationResult): VerificationResult {
  if (result.failures.length > 0) return result;
  const failures: CheckFailure[] = [];
  for (const p of result.presentations)
    if (!p.holderProofValid) failures.push({ code: 'presentation.signature_invalid', path: p.path, detail: 'the presentation proof was not verified' });
  for (const c of result.credentials)
    if (!c.valid) failures.push({ code: 'credential.signature_invalid', path: c.path, detail: 'the credential proof was not verified' });
  return { ...result, failures: failures.length > 0 ? failures : result.failures };
}
