import type { Database, Statement } from 'better-sqlite3';
import type { AuditEvent } from '../../core/model/audit-event.js';
import { AUDIT_EVENT_COLUMNS, toAuditEvent, type AuditEventRow } from '../rows/audit-event-row.js';
import { assertAuditLimit, type AuditLog, type AuditPage, type AuditPageRequest } from '../../core/ports/audit-log.js';
import type { SqliteWriteBatch } from './write-batch.js';

/** An `audit_events` row as SQLite returns it: JSON columns as text. */
type SqliteAuditEventRow = Omit<AuditEventRow, 'codes' | 'credential_issuers'> & { codes: string; credential_issuers: string | null };

function fromSqlite(row: SqliteAuditEventRow): AuditEvent {
  return toAuditEvent({
    ...row,
    codes: JSON.parse(row.codes) as string[],
    credential_issuers: row.credential_issuers === null ? null : (JSON.parse(row.credential_issuers) as string[]),
  });
}

type InsertParams = [string, number, string, string, string, string | null, string | null, string, string | null, string | null];

const COLUMNS = AUDIT_EVENT_COLUMNS;

/**
 * The audit log in the `audit_events` table. Pages are keyset queries on the
 * primary key (all owners) or the (owner, id) index, one row more than asked
 * to learn whether another page follows.
 */
export class SqliteAuditLog implements AuditLog {
  private readonly insert: Statement<InsertParams>;
  private readonly selectAll: Statement<[number], SqliteAuditEventRow>;
  private readonly selectAllBefore: Statement<[string, number], SqliteAuditEventRow>;
  private readonly selectByOwner: Statement<[string, number], SqliteAuditEventRow>;
  private readonly selectByOwnerBefore: Statement<[string, string, number], SqliteAuditEventRow>;
  private readonly purge: Statement<[number]>;

  constructor(
    db: Database,
    private readonly writes: SqliteWriteBatch,
  ) {
    this.insert = db.prepare(`INSERT INTO audit_events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.selectAll = db.prepare(`SELECT ${COLUMNS} FROM audit_events ORDER BY id DESC LIMIT ?`);
    this.selectAllBefore = db.prepare(`SELECT ${COLUMNS} FROM audit_events WHERE id < ? ORDER BY id DESC LIMIT ?`);
    this.selectByOwner = db.prepare(`SELECT ${COLUMNS} FROM audit_events WHERE owner = ? ORDER BY id DESC LIMIT ?`);
    this.selectByOwnerBefore = db.prepare(`SELECT ${COLUMNS} FROM audit_events WHERE owner = ? AND id < ? ORDER BY id DESC LIMIT ?`);
    this.purge = db.prepare('DELETE FROM audit_events WHERE time < ?');
  }

  /**
   * Resolves once the event is committed. Events recorded during one turn of
   * the event loop (concurrent verifications) are committed together with the
   * turn's other writes, in one transaction (write-batch.ts): each commit
   * writes every page it touched to the WAL, and an event touches three
   * b-trees, so one commit per event made this the costliest statement of a
   * verification under load (server profile, issue 7). Should the transaction
   * fail, only the event at fault is rejected (a duplicate id, say).
   */
  async record(event: AuditEvent): Promise<void> {
    const params: InsertParams = [
      event.id,
      event.time,
      event.owner,
      event.policyId,
      event.outcome,
      event.holder ?? null,
      event.format ?? null,
      JSON.stringify(event.codes),
      event.credentialIssuers === undefined ? null : JSON.stringify(event.credentialIssuers),
      event.requestId ?? null,
    ];
    await this.writes.submit(() => this.insert.run(...params));
  }

  async list(owner: string | undefined, page: AuditPageRequest): Promise<AuditPage> {
    assertAuditLimit(page.limit);
    const { before } = page;
    const fetch = page.limit + 1;
    const rows =
      owner === undefined
        ? before === undefined
          ? this.selectAll.all(fetch)
          : this.selectAllBefore.all(before, fetch)
        : before === undefined
          ? this.selectByOwner.all(owner, fetch)
          : this.selectByOwnerBefore.all(owner, before, fetch);
    const events = rows.slice(0, page.limit).map(fromSqlite);
    const last = events.at(-1);
    return rows.length > page.limit && last ? { events, next: last.id } : { events };
  }

  async purgeOlderThan(time: number): Promise<number> {
    return this.purge.run(time).changes;
  }
}
