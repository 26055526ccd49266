import type { SigningKey } from '../../core/model/signing-key.js';
import type { SigningKeyStore } from '../../core/ports/signing-key-store.js';

/**
 * Signing keys in one process's memory.
 *
 * `list` compares `expiresAt` with `Date.now()` because the port takes no
 * time argument; a key is listed while `expiresAt` is null or later than now.
 */
export class MemorySigningKeyStore implements SigningKeyStore {
  /** In insertion order, which breaks ties between equal `createdAt`. */
  private readonly keys: SigningKey[] = [];

  async list(): Promise<SigningKey[]> {
    const now = Date.now();
    return this.keys
      .filter((key) => key.expiresAt === null || key.expiresAt > now)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((key) => structuredClone(key));
  }

  async insertIfNone(key: SigningKey): Promise<SigningKey[]> {
    const now = Date.now();
    // "Usable" = not retired and still listed: a non-retired key past expiresAt
    // would otherwise block the first key forever while list() hides it.
    const usable = this.keys.some((k) => k.retiredAt === null && (k.expiresAt === null || k.expiresAt > now));
    if (!usable) this.keys.push(structuredClone(key));
    return this.list();
  }
}
