import type { RateDecision } from '../core/ports/rate-limiter.js';

/** The fixed window `now` falls in: windows of `windowMs` counted from the epoch. */
export function fixedWindow(windowMs: number, now: number): { number: number; endsAt: number } {
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new RangeError(`windowMs must be a positive integer, got ${windowMs}`);
  const number = Math.floor(now / windowMs);
  return { number, endsAt: (number + 1) * windowMs };
}

/** The decision for the `count`-th hit of a window ending at `endsAt`, shared by every RateLimiter adapter. */
export function rateDecision(count: number, limit: number, endsAt: number, now: number): RateDecision {
  return {
    allowed: count <= limit,
    remaining: Math.max(limit - count, 0),
    retryAfterSeconds: Math.max(Math.ceil((endsAt - now) / 1000), 1),
  };
}
