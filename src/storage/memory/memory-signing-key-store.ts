import type { SigningKey } from '../../core/model/signing-key.js';
import type { SigningKeyRotation, SigningKeyRotationResult, SigningKeyStore } from '../../core/ports/signing-key-store.js';
import { isListed, planSigningKeyRotation } from '../signing-key-rotation-plan.js';

/**
 * Signing keys in one process's memory. Every method reads and writes without
 * an `await` in between, so each is atomic within the process.
 *
 * `list()` without a time compares `expiresAt` with `Date.now()`; a key is
 * listed while `expiresAt` is null or later than now.
 */
export class MemorySigningKeyStore implements SigningKeyStore {
  /** In insertion order, which breaks ties between equal `createdAt`. */
  private keys: SigningKey[] = [];

  async list(now: number = Date.now()): Promise<SigningKey[]> {
    return this.listed(now);
  }

  async insertIfNone(key: SigningKey): Promise<SigningKey[]> {
    const now = Date.now();
    // "Usable" = not retired and still listed: a non-retired key past expiresAt
    // would otherwise block the first key forever while list() hides it.
    const usable = this.keys.some((k) => k.retiredAt === null && isListed(k, now));
    if (!usable) this.keys.push(structuredClone(key));
    return this.listed(now);
  }

  async rotate(rotation: SigningKeyRotation): Promise<SigningKeyRotationResult> {
    const plan = planSigningKeyRotation(this.listed(rotation.now), rotation);
    if (!plan.rotate) return { rotated: false, keys: this.listed(rotation.now) };
    if (this.keys.some((k) => k.kid === rotation.next.kid)) throw new Error('duplicate signing key kid');
    for (const { kid, retiredAt, expiresAt } of plan.retire) {
      const stored = this.keys.find((k) => k.kid === kid);
      if (stored) Object.assign(stored, { retiredAt, expiresAt });
    }
    this.keys.push(structuredClone(rotation.next));
    return { rotated: true, keys: this.listed(rotation.now) };
  }

  async deleteExpired(now: number): Promise<number> {
    const before = this.keys.length;
    this.keys = this.keys.filter((key) => isListed(key, now));
    return before - this.keys.length;
  }

  private listed(now: number): SigningKey[] {
    return this.keys
      .filter((key) => isListed(key, now))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((key) => structuredClone(key));
  }
}
