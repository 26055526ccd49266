import type { Database, Statement } from 'better-sqlite3';
import type { SessionDenylist } from '../../core/ports/session-denylist.js';

/**
 * Revoked session tokens in the `session_denylist` table. Each method is one
 * statement, so one transaction: a revocation committed by any process on the
 * file is seen by the next `isRevoked` of every other (WAL readers see the
 * latest commit when their statement starts).
 */
export class SqliteSessionDenylist implements SessionDenylist {
  private readonly upsert: Statement<[string, number]>;
  private readonly selectRevoked: Statement<[string, number], number>;
  private readonly purge: Statement<[number]>;

  constructor(db: Database) {
    // max(): revoking again never shortens an entry.
    this.upsert = db.prepare(
      `INSERT INTO session_denylist (jti, expires_at) VALUES (?, ?)
       ON CONFLICT (jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
    );
    this.selectRevoked = db.prepare<[string, number], number>('SELECT EXISTS (SELECT 1 FROM session_denylist WHERE jti = ? AND expires_at > ?)').pluck();
    this.purge = db.prepare('DELETE FROM session_denylist WHERE expires_at <= ?');
  }

  async revoke(jti: string, expiresAt: number): Promise<void> {
    this.upsert.run(jti, expiresAt);
  }

  async isRevoked(jti: string, now: number): Promise<boolean> {
    return this.selectRevoked.get(jti, now) === 1;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.purge.run(now).changes;
  }
}
