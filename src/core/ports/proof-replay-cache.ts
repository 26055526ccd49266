/**
 * Single-use proof identifiers (RFC 9449 §11.1: a DPoP proof's `jti` is
 * accepted once per key within the proof window). Shared by every replica
 * when REDIS_URL is set (one `SET NX`); bounded in process memory otherwise.
 */
export interface ProofReplayCache {
  /**
   * Records `key` until `expiresAt` (ms since the epoch). True if it was not
   * recorded (and unexpired at `now`) before: the first use. Atomic across
   * every process sharing the cache.
   */
  firstUse(key: string, expiresAt: number, now: number): Promise<boolean>;
}
