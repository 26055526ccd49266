import type { AuditLog } from './audit-log.js';
import type { NonceStore } from './nonce-store.js';
import type { Oid4vpRequestStore } from './oid4vp-request-store.js';
import type { PolicyStore } from './policy-store.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RelyingPartyStore } from './relying-party-store.js';
import type { SessionDenylist } from './session-denylist.js';
import type { SettingsStore } from './settings-store.js';
import type { SharedCache } from './shared-cache.js';
import type { SigningKeyStore } from './signing-key-store.js';

/**
 * Every storage port, opened together from DATABASE_URL and REDIS_URL
 * (src/storage/open-storage.ts). With REDIS_URL, challenges, the denylist,
 * the shared cache and rate-limit counters live in Redis, the rest in the
 * database.
 */
export interface Storage {
  readonly kind: string;
  readonly relyingParties: RelyingPartyStore;
  readonly policies: PolicyStore;
  readonly signingKeys: SigningKeyStore;
  readonly challenges: NonceStore;
  readonly settings: SettingsStore;
  readonly auditLog: AuditLog;
  /** Revoked session tokens (RFC 7009), seen by every replica at once. */
  readonly sessionDenylist: SessionDenylist;
  /** OpenID4VP requests (src/oid4vp); in Redis when REDIS_URL is set. */
  readonly oid4vpRequests: Oid4vpRequestStore;
  /**
   * Rate-limit counters shared by every process using this storage (Redis).
   * Absent: the composition root counts in process memory (one process's view).
   */
  readonly rateLimiter?: RateLimiter;
  /**
   * The cache of DID documents and status lists shared by every process
   * (Redis). Absent: the composition root uses a bounded in-process cache.
   */
  readonly sharedCache?: SharedCache;
  /** Resolves when the backing store answers; rejects otherwise (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
