import type { SigningKey } from '../model/signing-key.js';

export interface SigningKeyStore {
  /** Every key not yet past `expiresAt`, oldest first. */
  list(): Promise<SigningKey[]>;
  /**
   * Inserts `key` only if no usable key (not retired) exists, atomically across
   * processes; returns the keys afterwards. Used on first start, when several
   * replicas may race to create the first key.
   */
  insertIfNone(key: SigningKey): Promise<SigningKey[]>;
}
