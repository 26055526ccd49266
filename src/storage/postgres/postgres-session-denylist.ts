import type { Pool } from 'pg';
import type { SessionDenylist } from '../../core/ports/session-denylist.js';

/**
 * Revoked session tokens in the `session_denylist` table, used when REDIS_URL
 * is unset. Each method is one statement: a revocation committed by any
 * replica is seen by the next `isRevoked` of every other.
 */
export class PostgresSessionDenylist implements SessionDenylist {
  constructor(private readonly pool: Pool) {}

  async revoke(jti: string, expiresAt: number): Promise<void> {
    // GREATEST: revoking again never shortens an entry.
    await this.pool.query(
      `INSERT INTO session_denylist AS d (jti, expires_at) VALUES ($1, $2)
       ON CONFLICT (jti) DO UPDATE SET expires_at = GREATEST(d.expires_at, EXCLUDED.expires_at)`,
      [jti, expiresAt],
    );
  }

  async isRevoked(jti: string, now: number): Promise<boolean> {
    const { rows } = await this.pool.query<{ revoked: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM session_denylist WHERE jti = $1 AND expires_at > $2) AS revoked',
      [jti, now],
    );
    return rows[0]?.revoked === true;
  }

  async purgeExpired(now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM session_denylist WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }
}
