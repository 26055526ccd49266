import type { Challenge } from '../../core/model/challenge.js';
import type { NonceStore } from '../../core/ports/nonce-store.js';

/**
 * Challenges in one process's memory. `consume` reads and deletes without an
 * `await` in between, so it is atomic within the process — and only there: a
 * second replica has its own map and would accept a replay.
 *
 * A challenge is expired from `expiresAt` on (`expiresAt <= now`), the same
 * boundary as every other adapter.
 */
export class MemoryNonceStore implements NonceStore {
  private readonly challenges = new Map<string, Challenge>();

  async issue(challenge: Challenge): Promise<void> {
    if (this.challenges.has(challenge.nonce)) throw new Error('duplicate challenge nonce');
    this.challenges.set(challenge.nonce, structuredClone(challenge));
  }

  async consume(nonce: string, now: number): Promise<Challenge | null> {
    const challenge = this.challenges.get(nonce);
    if (!challenge) return null;
    // Deleted even when expired: a challenge is used up by the first presentation naming it.
    this.challenges.delete(nonce);
    return challenge.expiresAt > now ? challenge : null;
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [nonce, challenge] of this.challenges) {
      if (challenge.expiresAt <= now) {
        this.challenges.delete(nonce);
        purged += 1;
      }
    }
    return purged;
  }
}
