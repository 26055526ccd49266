import type { Database, Statement } from 'better-sqlite3';
import type { Oid4vpRequestRecord } from '../../core/model/oid4vp-request.js';
import type { Oid4vpRequestStore } from '../../core/ports/oid4vp-request-store.js';

/**
 * OpenID4VP requests in the `oid4vp_requests` table: the record as JSON beside
 * its version and purge time. `replace` is one UPDATE guarded by the version,
 * so of two processes on the file exactly one wins.
 */
export class SqliteOid4vpRequestStore implements Oid4vpRequestStore {
  private readonly insert: Statement<[string, number, number, string]>;
  private readonly select: Statement<[string], string>;
  private readonly update: Statement<[number, number, string, string, number]>;
  private readonly purge: Statement<[number]>;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT INTO oid4vp_requests (id, version, purge_at, body) VALUES (?, ?, ?, ?)');
    this.select = db.prepare<[string], string>('SELECT body FROM oid4vp_requests WHERE id = ?').pluck();
    this.update = db.prepare('UPDATE oid4vp_requests SET version = ?, purge_at = ?, body = ? WHERE id = ? AND version = ?');
    this.purge = db.prepare('DELETE FROM oid4vp_requests WHERE purge_at <= ?');
  }

  async create(record: Oid4vpRequestRecord): Promise<void> {
    this.insert.run(record.id, record.version, record.purgeAt, JSON.stringify(record));
  }

  async get(id: string): Promise<Oid4vpRequestRecord | null> {
    const body = this.select.get(id);
    return body === undefined ? null : (JSON.parse(body) as Oid4vpRequestRecord);
  }

  async replace(next: Oid4vpRequestRecord, expectedVersion: number): Promise<boolean> {
    if (next.version !== expectedVersion + 1) return false;
    return this.update.run(next.version, next.purgeAt, JSON.stringify(next), next.id, expectedVersion).changes === 1;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.purge.run(now).changes;
  }
}
