import type { Pool } from 'pg';
import type { AuditEvent } from '../../core/model/audit-event.js';
import { AUDIT_EVENT_COLUMNS, toAuditEvent, type AuditEventRow } from '../rows/audit-event-row.js';
import { assertAuditLimit, type AuditLog, type AuditPage, type AuditPageRequest } from '../../core/ports/audit-log.js';

const COLUMNS = AUDIT_EVENT_COLUMNS;

/** Most events one INSERT carries (10 parameters each, far below PostgreSQL's 65,535). */
export const AUDIT_BATCH_MAX_ROWS = 200;

interface PendingEvent {
  event: AuditEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The audit log in the `audit_events` table. Pages are keyset queries on the
 * primary key (all owners) or the (owner, id) index, one row more than asked
 * to learn whether another page follows.
 */
export class PostgresAuditLog implements AuditLog {
  constructor(private readonly pool: Pool) {}

  /**
   * Appends the event, durably: the promise resolves only after the INSERT
   * carrying it has committed. Events recorded while an INSERT is in flight
   * are queued and written together by the next one (group commit: one round
   * trip and one WAL flush for many decisions under load, none added when
   * idle — the first event of an idle log is sent at once). A duplicate id is
   * refused for that event alone (`ON CONFLICT DO NOTHING` + `RETURNING`),
   * so one bad event never fails its batch-mates.
   */
  record(event: AuditEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  readonly #queue: PendingEvent[] = [];
  #writing = false;

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, AUDIT_BATCH_MAX_ROWS);
        await this.#insert(batch);
      }
    } finally {
      this.#writing = false;
    }
  }

  async #insert(batch: PendingEvent[]): Promise<void> {
    const params: unknown[] = [];
    const tuples = batch.map(({ event }) => {
      const base = params.length;
      params.push(
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
      );
      return `(${Array.from({ length: 10 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    let inserted: Set<string>;
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `INSERT INTO audit_events (${COLUMNS}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING RETURNING id`,
        params,
      );
      inserted = new Set(rows.map((row) => row.id));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const pending of batch) {
      // The first of several events with one id took the row; every other is a duplicate.
      if (inserted.delete(pending.event.id)) pending.resolve();
      else pending.reject(new Error(`audit event ${pending.event.id} is already recorded`));
    }
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
    const { rows } = await this.pool.query<AuditEventRow>(`SELECT ${COLUMNS} FROM audit_events ${where} ORDER BY id DESC LIMIT $${params.length}`, params);
    const events = rows.slice(0, page.limit).map(toAuditEvent);
    const last = events.at(-1);
    return rows.length > page.limit && last ? { events, next: last.id } : { events };
  }

  async purgeOlderThan(time: number): Promise<number> {
    return (await this.pool.query('DELETE FROM audit_events WHERE time < $1', [time])).rowCount ?? 0;
  }
}
