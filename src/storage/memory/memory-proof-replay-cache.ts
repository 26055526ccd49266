import type { ProofReplayCache } from '../../core/ports/proof-replay-cache.js';

/** Most keys kept; when full, expired ones are dropped and then the oldest (a proof older than the window is refused anyway). */
export const MEMORY_REPLAY_CACHE_MAX_ENTRIES = 100_000;

/**
 * Used proof identifiers in one process's memory: the test double, and the
 * cache of a single process. Bounded: entries expire with their proofs, and
 * at most {@link MEMORY_REPLAY_CACHE_MAX_ENTRIES} are kept.
 */
export class MemoryProofReplayCache implements ProofReplayCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly maxEntries = MEMORY_REPLAY_CACHE_MAX_ENTRIES) {}

  async firstUse(key: string, expiresAt: number, now: number): Promise<boolean> {
    const known = this.entries.get(key);
    if (known !== undefined && known > now) return false;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      for (const [k, until] of this.entries) if (until <= now) this.entries.delete(k);
      while (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest === undefined) break;
        this.entries.delete(oldest);
      }
    }
    this.entries.set(key, expiresAt);
    return true;
  }
}
