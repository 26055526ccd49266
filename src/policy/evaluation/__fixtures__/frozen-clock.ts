/** Frozen time for the policy evaluation tests: 2025-06-01T00:00:00Z, with the default 60 s clock skew. */
export const NOW_MS = Date.UTC(2025, 5, 1);
export const NOW_SECONDS = NOW_MS / 1000;
export const CLOCK = { now: NOW_MS, clockSkewSeconds: 60 };

/** Seconds since the epoch, `seconds` before the frozen now. */
export function secondsAgo(seconds: number): number {
  return NOW_SECONDS - seconds;
}
