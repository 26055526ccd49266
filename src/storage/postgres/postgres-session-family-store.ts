import type { Pool } from 'pg';
import {
  liveAccessTokens,
  type FamilyRotation,
  type RefreshTokenLookup,
  type SessionFamily,
  type SessionFamilyStore,
} from '../../core/ports/session-family-store.js';
import { toSessionFamily, sessionFamilyInsertValues, toSessionFamilyRow, type SessionFamilyRow } from '../rows/session-family-row.js';
import { inTransaction } from './transaction.js';

const COLUMNS =
  'f.id, f.client_id, f.subject, f.current_token_hash, f.generation, f.sealed_claims, f.access_tokens, f.idle_expires_at, f.absolute_expires_at, f.ended_at, f.end_reason, f.data';

/**
 * Session families in `session_families` and their token hashes in
 * `session_refresh_tokens`. `rotate` is one transaction whose first statement
 * is a conditional UPDATE (`current_token_hash = expected`, not ended): a
 * concurrent rotation of the same family waits for the row lock and then
 * finds the condition false (READ COMMITTED re-evaluates it on the new row
 * version), so of concurrent rotations across every replica exactly one wins.
 */
export class PostgresSessionFamilyStore implements SessionFamilyStore {
  constructor(private readonly pool: Pool) {}

  async create(family: SessionFamily): Promise<void> {
    const row = toSessionFamilyRow(family);
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO session_families (id, client_id, subject, current_token_hash, generation, sealed_claims, access_tokens,
           idle_expires_at, absolute_expires_at, ended_at, end_reason, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        sessionFamilyInsertValues(row),
      );
      await client.query('INSERT INTO session_refresh_tokens (hash, family_id, rotated_at) VALUES ($1, $2, NULL)', [row.current_token_hash, row.id]);
    });
  }

  async findByTokenHash(hash: string): Promise<RefreshTokenLookup | null> {
    const { rows } = await this.pool.query<SessionFamilyRow & { rotated_at: string | null }>(
      `SELECT ${COLUMNS}, t.rotated_at FROM session_refresh_tokens t JOIN session_families f ON f.id = t.family_id WHERE t.hash = $1`,
      [hash],
    );
    const row = rows[0];
    if (!row) return null;
    const { rotated_at, ...family } = row;
    return { family: toSessionFamily(family), ...(rotated_at !== null ? { rotatedAt: Number(rotated_at) } : {}) };
  }

  async rotate(familyId: string, rotation: FamilyRotation): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const swapped = await client.query<{ access_tokens: SessionFamily['accessTokens'] }>(
        `UPDATE session_families SET current_token_hash = $1, sealed_claims = $2, idle_expires_at = $3, generation = generation + 1
         WHERE id = $4 AND current_token_hash = $5 AND ended_at IS NULL RETURNING access_tokens`,
        [rotation.nextHash, rotation.sealedClaims, rotation.idleExpiresAt, familyId, rotation.expectedHash],
      );
      const row = swapped.rows[0];
      if (!row) return false;
      // The row is locked by this transaction until COMMIT: the read-modify-write of access_tokens cannot interleave.
      const tokens = liveAccessTokens(row.access_tokens, rotation.accessToken, rotation.now);
      await client.query('UPDATE session_families SET access_tokens = $1 WHERE id = $2', [JSON.stringify(tokens), familyId]);
      await client.query('UPDATE session_refresh_tokens SET rotated_at = $1 WHERE hash = $2', [rotation.now, rotation.expectedHash]);
      await client.query('INSERT INTO session_refresh_tokens (hash, family_id, rotated_at) VALUES ($1, $2, NULL)', [rotation.nextHash, familyId]);
      return true;
    });
  }

  async end(familyId: string, reason: string, now: number): Promise<SessionFamily | null> {
    // The UPDATE decides (one winner); RETURNING gives the row as it is after it, so ended_at/end_reason are cleared back.
    const { rows } = await this.pool.query<SessionFamilyRow>(
      `UPDATE session_families f SET ended_at = $1, end_reason = $2 WHERE f.id = $3 AND f.ended_at IS NULL RETURNING ${COLUMNS}`,
      [now, reason, familyId],
    );
    const row = rows[0];
    return row ? toSessionFamily({ ...row, ended_at: null, end_reason: null }) : null;
  }

  async listActiveBySubject(subject: string, clientId: string | undefined, _now: number): Promise<SessionFamily[]> {
    const { rows } =
      clientId === undefined
        ? await this.pool.query<SessionFamilyRow>(`SELECT ${COLUMNS} FROM session_families f WHERE f.subject = $1 AND f.ended_at IS NULL LIMIT 1000`, [subject])
        : await this.pool.query<SessionFamilyRow>(
            `SELECT ${COLUMNS} FROM session_families f WHERE f.subject = $1 AND f.client_id = $2 AND f.ended_at IS NULL LIMIT 1000`,
            [subject, clientId],
          );
    return rows.map(toSessionFamily);
  }

  async purge(now: number): Promise<number> {
    const result = await this.pool.query('DELETE FROM session_families WHERE ended_at IS NOT NULL OR idle_expires_at <= $1 OR absolute_expires_at <= $1', [
      now,
    ]);
    return result.rowCount ?? 0;
  }
}
