/** Outcome of counting one request against a limit. */
export interface RateDecision {
  allowed: boolean;
  /** Requests left in the current window (0 when refused). */
  remaining: number;
  /** Seconds until the window resets; for `Retry-After` on a 429. */
  retryAfterSeconds: number;
}

/**
 * Fixed-window request counters (per client address, per policy). In memory
 * for one process; in Redis (INCR + PEXPIRE in one script) across replicas.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision>;
}
