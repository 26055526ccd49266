import type { Clock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import type { RateDecision, RateLimiter } from '../core/ports/rate-limiter.js';
import { clientKey } from './client-key.js';

/** Limits are per minute (docs/operations.md "Rate limits": KPARTY_RATE_LIMIT is requests per minute). */
export const RATE_WINDOW_MS = 60_000;

/** Longest policy id counted per policy; longer ones cannot be policy ids (the schema caps ids) and are not counted. */
const MAX_POLICY_ID_LENGTH = 128;

export interface WalletRateLimitSettings {
  /** KPARTY_RATE_LIMIT: requests per minute per client address; 0 = off. */
  perAddressPerMinute: number;
  /** KPARTY_RATE_LIMIT_PER_POLICY: requests per minute per policy, all clients together; 0 = off. */
  perPolicyPerMinute: number;
}

/**
 * Rate limits of the wallet-facing endpoints (challenges, verification, token
 * exchange): a fixed one-minute window per client address and per policy,
 * counted through the RateLimiter port — in process memory for one process,
 * in Redis (shared by every replica) when REDIS_URL is set.
 *
 * Fails closed: when the counters cannot be reached (Redis down) the check
 * rejects, and the request is answered 503 rather than served uncounted.
 */
export class WalletRateLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly settings: WalletRateLimitSettings,
    private readonly clock: Clock,
  ) {}

  /** Whether any limit is on (when none is, the HTTP layer skips the checks). */
  get enabled(): boolean {
    return this.settings.perAddressPerMinute > 0 || this.settings.perPolicyPerMinute > 0;
  }

  /** Counts one request from `address` (the client's IP); throws 429 `rate_limited` over the limit. */
  async countClient(address: string): Promise<void> {
    const limit = this.settings.perAddressPerMinute;
    if (limit === 0) return;
    refuseIfOver(await this.limiter.hit(`client:${clientKey(address)}`, limit, RATE_WINDOW_MS, this.clock.now()), 'this client');
  }

  /** Counts one request naming `policyId`; throws 429 `rate_limited` over the limit. */
  async countPolicy(policyId: string): Promise<void> {
    const limit = this.settings.perPolicyPerMinute;
    if (limit === 0 || policyId.length === 0 || policyId.length > MAX_POLICY_ID_LENGTH) return;
    refuseIfOver(await this.limiter.hit(`policy:${policyId}`, limit, RATE_WINDOW_MS, this.clock.now()), 'this policy');
  }
}

function refuseIfOver(decision: RateDecision, whom: string): void {
  if (decision.allowed) return;
  throw new KpartyError('rate_limited', `too many requests for ${whom}; retry after ${decision.retryAfterSeconds} s`, {
    retryAfter: decision.retryAfterSeconds,
  });
}
