import type { Pool } from 'pg';
import type { Oid4vpRequestRecord } from '../../core/model/oid4vp-request.js';
import type { Oid4vpRequestStore } from '../../core/ports/oid4vp-request-store.js';

/**
 * OpenID4VP requests in the `oid4vp_requests` table. `replace` is one UPDATE
 * guarded by the version: of two replicas answering for one request, exactly
 * one row update succeeds.
 */
export class PostgresOid4vpRequestStore implements Oid4vpRequestStore {
  constructor(private readonly pool: Pool) {}

  async create(record: Oid4vpRequestRecord): Promise<void> {
    await this.pool.query('INSERT INTO oid4vp_requests (id, version, purge_at, body) VALUES ($1, $2, $3, $4)', [
      record.id,
      record.version,
      record.purgeAt,
      JSON.stringify(record),
    ]);
  }

  async get(id: string): Promise<Oid4vpRequestRecord | null> {
    const { rows } = await this.pool.query<{ body: string }>('SELECT body FROM oid4vp_requests WHERE id = $1', [id]);
    return rows[0] ? (JSON.parse(rows[0].body) as Oid4vpRequestRecord) : null;
  }

  async replace(next: Oid4vpRequestRecord, expectedVersion: number): Promise<boolean> {
    if (next.version !== expectedVersion + 1) return false;
    const result = await this.pool.query('UPDATE oid4vp_requests SET version = $1, purge_at = $2, body = $3 WHERE id = $4 AND version = $5', [
      next.version,
      next.purgeAt,
      JSON.stringify(next),
      next.id,
      expectedVersion,
    ]);
    return result.rowCount === 1;
  }

  async purgeExpired(now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM oid4vp_requests WHERE purge_at <= $1', [now])).rowCount ?? 0;
  }
}
