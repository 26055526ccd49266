/**
 * Revoked session tokens (RFC 7009), by `jti`, kept until the token's `exp`
 * (after which the signature check refuses it anyway). Shared by every replica.
 */
export interface SessionDenylist {
  /** Denies `jti` until `expiresAt` (ms since the epoch). Idempotent. */
  revoke(jti: string, expiresAt: number): Promise<void>;
  isRevoked(jti: string, now: number): Promise<boolean>;
  /** Drops entries whose token has expired; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
