import type { Clock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import type { DcqlQuery } from '../policy/dcql-query.js';
import { toDcqlQuery } from '../policy/dcql-query.js';
import type { NonceStore } from '../core/ports/nonce-store.js';
import { randomToken } from '../core/secrets.js';
import type { PolicyCatalog } from '../policy/policy-catalog.js';

export interface IssuedChallenge {
  /** 256 bits, base64url. */
  challenge: string;
  /** What the presentation must name as its audience (`aud` / `proof.domain`): the policy's `audience`. */
  domain: string;
  policy: string;
  /** ISO 8601. */
  expiresAt: string;
  /** The policy's credential query (DCQL), so the wallet knows what to present. */
  query: DcqlQuery;
}

/** Wallet use case: a fresh single-use nonce bound to one policy. */
export class ChallengeService {
  constructor(
    private readonly policies: PolicyCatalog,
    private readonly nonces: NonceStore,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  async issue(policyId: string): Promise<IssuedChallenge> {
    const stored = await this.policies.find(policyId);
    if (!stored) throw new KpartyError('policy.not_found', `no policy "${policyId}"`);
    const now = this.clock.now();
    const challenge = {
      nonce: randomToken(32),
      policyId,
      domain: stored.policy.audience,
      policyOwner: stored.owner,
      createdAt: now,
      expiresAt: now + this.ttlSeconds * 1000,
    };
    await this.nonces.issue(challenge);
    return {
      challenge: challenge.nonce,
      domain: challenge.domain,
      policy: policyId,
      expiresAt: new Date(challenge.expiresAt).toISOString(),
      query: toDcqlQuery(stored.policy),
    };
  }
}
