import type { SigningKey } from '../model/signing-key.js';

/**
 * One rotation of the session-signing key, applied atomically by
 * {@link SigningKeyStore.rotate}. Times are milliseconds since the epoch.
 */
export interface SigningKeyRotation {
  /** The new key; it signs from `next.activatesAt` on (`now` for an immediate rotation, `now` + lead time otherwise). */
  next: SigningKey;
  /** The time of the rotation (the caller's clock). */
  now: number;
  /**
   * How long a retired key stays published after it stops signing: the longest
   * session lifetime plus clock skew and cache margins, so every token it signed
   * expires before its public key leaves the JWKS.
   */
  retainMs: number;
  /**
   * Rotate only if no key in use or pending was activated after this time;
   * otherwise nothing changes. A schedule passes `now - interval` (of replicas
   * whose timers fire together, one rotates); a manual rotation passes `now`
   * (a rotation already pending is not stacked on). Omitted: rotate regardless
   * (an immediate rotation).
   */
  unlessActivatedAfter?: number;
}

export interface SigningKeyRotationResult {
  /** Whether `next` was stored; false when `unlessActivatedAfter` found a newer key. */
  rotated: boolean;
  /** The keys afterwards, as `list(now)` returns them. */
  keys: SigningKey[];
}

/**
 * Session-signing keys, shared by every replica. A key signs from `activatesAt`
 * until `retiredAt` (when set) and is published until `expiresAt` (when set).
 */
export interface SigningKeyStore {
  /**
   * Every key not yet past `expiresAt` at `now` (default: the real clock),
   * oldest first (`createdAt`, ties in insertion order).
   */
  list(now?: number): Promise<SigningKey[]>;
  /**
   * Inserts `key` only if no usable key (not retired) exists, atomically across
   * processes; returns the keys afterwards. Used on first start, when several
   * replicas may race to create the first key.
   */
  insertIfNone(key: SigningKey): Promise<SigningKey[]>;
  /**
   * Atomically across processes (one transaction holding the write lock):
   * unless `unlessActivatedAfter` finds a newer key, inserts `rotation.next` and
   *  - every key that has signed or is signing and is not retired by
   *    `next.activatesAt` gets `retiredAt = next.activatesAt` and
   *    `expiresAt = next.activatesAt + retainMs`;
   *  - every key still pending at `now` is superseded: `retiredAt = now` (it
   *    never signs) and `expiresAt = its activatesAt + retainMs` (a replica
   *    that has not reloaded yet may sign with it when it would have activated).
   * So at any moment exactly one key signs, and a key leaves the JWKS only after
   * every token it signed has expired.
   */
  rotate(rotation: SigningKeyRotation): Promise<SigningKeyRotationResult>;
  /** Deletes keys past `expiresAt` at `now` (their private keys included); returns how many. */
  deleteExpired(now: number): Promise<number>;
}
