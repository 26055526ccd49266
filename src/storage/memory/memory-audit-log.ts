import type { AuditEvent } from '../../core/model/audit-event.js';
import { assertAuditLimit, type AuditLog, type AuditPage, type AuditPageRequest } from '../../core/ports/audit-log.js';
import { byCodeUnits } from './order.js';

/**
 * The audit log in one process's memory, for tests. Unbounded: it keeps every
 * event until `purgeOlderThan` removes it, and `list` sorts on each call —
 * fine for a test's handful of events, not for a service's traffic.
 */
export class MemoryAuditLog implements AuditLog {
  private readonly events = new Map<string, AuditEvent>();

  async record(event: AuditEvent): Promise<void> {
    if (this.events.has(event.id)) throw new Error('duplicate audit event id');
    this.events.set(event.id, structuredClone(event));
  }

  async list(owner: string | undefined, page: AuditPageRequest): Promise<AuditPage> {
    assertAuditLimit(page.limit);
    const { before } = page;
    const matching = [...this.events.values()]
      .filter((event) => (owner === undefined || event.owner === owner) && (before === undefined || event.id < before))
      .sort((a, b) => byCodeUnits(b.id, a.id));
    const events = matching.slice(0, page.limit).map((event) => structuredClone(event));
    const last = events.at(-1);
    return matching.length > page.limit && last ? { events, next: last.id } : { events };
  }

  async purgeOlderThan(time: number): Promise<number> {
    let purged = 0;
    for (const [id, event] of this.events) {
      if (event.time < time) {
        this.events.delete(id);
        purged += 1;
      }
    }
    return purged;
  }
}
