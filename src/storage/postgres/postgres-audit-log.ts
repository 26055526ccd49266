import type { Pool } from 'pg';
import type { AuditEvent } from '../../core/model/audit-event.js';
import { AUDIT_EVENT_COLUMNS, toAuditEvent, type AuditEventRow } from '../rows/audit-event-row.js';
import { assertAuditLimit, type AuditLog, type AuditPage, type AuditPageRequest } from '../../core/ports/audit-log.js';

const COLUMNS = AUDIT_EVENT_COLUMNS;

/**
 * The audit log in the `audit_events` table. Pages are keyset queries on the
 * primary key (all owners) or the (owner, id) index, one row more than asked
 * to learn whether another page follows.
 */
export class PostgresAuditLog implements AuditLog {
  constructor(private readonly pool: Pool) {}

  async record(event: AuditEvent): Promise<void> {
    await this.pool.query(`INSERT INTO audit_events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      event.id,
      event.time,
      event.owner,
      event.policyId,
      event.outcome,
      event.holder ?? null,
      event.format ?? null,
      event.codes,
      event.credentialIssuers ?? null,
      event.requestId ?? null,
    ]);
  }

  async list(owner: string | undefined, page: AuditPageRequest): Promise<AuditPage> {
    assertAuditLimit(page.limit);
    const conditions: string[] = [];
    const params: Array<string | number> = [];
    if (owner !== undefined) {
      params.push(owner);
      conditions.push(`owner = $${params.length}`);
    }
    if (page.before !== undefined) {
      params.push(page.before);
      conditions.push(`id < $${params.length}`);
    }
    params.push(page.limit + 1);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await this.pool.query<AuditEventRow>(
      `SELECT ${COLUMNS} FROM audit_events ${where} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const events = rows.slice(0, page.limit).map(toAuditEvent);
    const last = events.at(-1);
    return rows.length > page.limit && last ? { events, next: last.id } : { events };
  }

  async purgeOlderThan(time: number): Promise<number> {
    return (await this.pool.query('DELETE FROM audit_events WHERE time < $1', [time])).rowCount ?? 0;
  }
}
