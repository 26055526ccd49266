import type { Pool } from 'pg';
import type { Challenge } from '../../core/model/challenge.js';
import type { NonceStore } from '../../core/ports/nonce-store.js';

interface ChallengeRow {
  nonce: string;
  policy_id: string;
  domain: string;
  policy_owner: string | null;
  created_at: number;
  expires_at: number;
}

/**
 * Challenges in the `challenges` table, used when REDIS_URL is unset. A
 * challenge is expired from `expiresAt` on (`expires_at <= now`).
 *
 * `consume` is one `DELETE … RETURNING`: of concurrent deletes of one row,
 * PostgreSQL lets one delete it; the others wait for that transaction and then
 * find no row (READ COMMITTED re-checks the row after the lock), on any replica.
 */
export class PostgresNonceStore implements NonceStore {
  constructor(private readonly pool: Pool) {}

  async issue(challenge: Challenge): Promise<void> {
    await this.pool.query('INSERT INTO challenges (nonce, policy_id, domain, created_at, expires_at, policy_owner) VALUES ($1, $2, $3, $4, $5, $6)', [
      challenge.nonce,
      challenge.policyId,
      challenge.domain,
      challenge.createdAt,
      challenge.expiresAt,
      challenge.policyOwner ?? null,
    ]);
  }

  async consume(nonce: string, now: number): Promise<Challenge | null> {
    const { rows } = await this.pool.query<ChallengeRow>(
      'DELETE FROM challenges WHERE nonce = $1 RETURNING nonce, policy_id, domain, created_at, expires_at, policy_owner',
      [nonce],
    );
    const row = rows[0];
    // An expired row is deleted all the same: the first presentation naming a challenge uses it up.
    if (!row || row.expires_at <= now) return null;
    return {
      nonce: row.nonce,
      policyId: row.policy_id,
      domain: row.domain,
      ...(row.policy_owner !== null ? { policyOwner: row.policy_owner } : {}),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async purgeExpired(now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM challenges WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }
}
