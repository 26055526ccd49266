/**
 * Revoked session tokens (RFC 7009), by `jti`, kept until the token's `exp`
 * plus the clock skew the verifier tolerates (after which the expiry check
 * refuses it anyway). Shared by every replica: a revocation written by one
 * process is seen by the next `isRevoked` of any other.
 */
export interface SessionDenylist {
  /**
   * Denies `jti` until `expiresAt` (ms since the epoch). Idempotent; revoking
   * again never shortens an entry (the later `expiresAt` is kept).
   */
  revoke(jti: string, expiresAt: number): Promise<void>;
  /** Whether `jti` is denied at `now`: an entry is in force while `expiresAt > now`. */
  isRevoked(jti: string, now: number): Promise<boolean>;
  /** Drops entries with `expiresAt <= now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
