import type { Pool } from 'pg';
import type { AuditEvent, AuditOutcome } from '../../core/model/audit-event.js';
import { assertAuditLimit, type AuditLog, type AuditPage, type AuditPageRequest } from '../../core/ports/audit-log.js';

interface AuditEventRow {
  id: string;
  time: number;
  owner: string;
  policy_id: string;
  outcome: string;
  holder: string | null;
  format: string | null;
  codes: string[];
  credential_issuers: string[] | null;
  request_id: string | null;
}

/** Absent optional members stay absent (not `undefined`), as they were recorded. */
function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    time: row.time,
    owner: row.owner,
    policyId: row.policy_id,
    // The CHECK constraint admits only the two outcomes.
    outcome: row.outcome as AuditOutcome,
    ...(row.holder === null ? {} : { holder: row.holder }),
    ...(row.format === null ? {} : { format: row.format }),
    codes: row.codes,
    ...(row.credential_issuers === null ? {} : { credentialIssuers: row.credential_issuers }),
    ...(row.request_id === null ? {} : { requestId: row.request_id }),
  };
}

const COLUMNS = 'id, time, owner, policy_id, outcome, holder, format, codes, credential_issuers, request_id';

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
