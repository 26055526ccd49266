import type { Database, Statement } from 'better-sqlite3';
import type { Challenge } from '../../core/model/challenge.js';
import type { NonceStore } from '../../core/ports/nonce-store.js';
import type { SqliteWriteBatch } from './write-batch.js';

interface ChallengeRow {
  nonce: string;
  policy_id: string;
  domain: string;
  policy_owner: string | null;
  created_at: number;
  expires_at: number;
}

/**
 * Challenges in the `challenges` table. A challenge is expired from
 * `expiresAt` on (`expires_at <= now`). Issuing and consuming are committed
 * with the other writes of the same event-loop turn (write-batch.ts).
 */
export class SqliteNonceStore implements NonceStore {
  private readonly insert: Statement<[string, string, string, number, number, string | null]>;
  private readonly take: Statement<[string], ChallengeRow>;
  private readonly purge: Statement<[number]>;

  constructor(
    db: Database,
    private readonly writes: SqliteWriteBatch,
  ) {
    this.insert = db.prepare('INSERT INTO challenges (nonce, policy_id, domain, created_at, expires_at, policy_owner) VALUES (?, ?, ?, ?, ?, ?)');
    // One statement, so one write transaction: SQLite's write lock lets one
    // connection in any process delete the row, and every other sees no row.
    this.take = db.prepare('DELETE FROM challenges WHERE nonce = ? RETURNING nonce, policy_id, domain, created_at, expires_at, policy_owner');
    this.purge = db.prepare('DELETE FROM challenges WHERE expires_at <= ?');
  }

  async issue(challenge: Challenge): Promise<void> {
    await this.writes.submit(() =>
      this.insert.run(challenge.nonce, challenge.policyId, challenge.domain, challenge.createdAt, challenge.expiresAt, challenge.policyOwner ?? null),
    );
  }

  async consume(nonce: string, now: number): Promise<Challenge | null> {
    const row = await this.writes.submit(() => this.take.get(nonce));
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
    return this.purge.run(now).changes;
  }
}
