import type { SessionDenylist } from '../../core/ports/session-denylist.js';

/**
 * Revoked session tokens in one process's memory — the test double, and
 * enough for a single process. Not for replicas: a revocation would be seen
 * only by the process that received it. Bounded by what is revoked, and
 * `purgeExpired` (run by the maintenance timer) drops what can no longer matter.
 */
export class MemorySessionDenylist implements SessionDenylist {
  private readonly entries = new Map<string, number>();

  async revoke(jti: string, expiresAt: number): Promise<void> {
    const known = this.entries.get(jti);
    // A second revocation never shortens the first.
    if (known === undefined || known < expiresAt) this.entries.set(jti, expiresAt);
  }

  async isRevoked(jti: string, now: number): Promise<boolean> {
    const expiresAt = this.entries.get(jti);
    return expiresAt !== undefined && expiresAt > now;
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [jti, expiresAt] of this.entries) {
      if (expiresAt <= now) {
        this.entries.delete(jti);
        purged += 1;
      }
    }
    return purged;
  }
}
