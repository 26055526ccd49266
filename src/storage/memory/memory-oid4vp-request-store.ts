import type { Oid4vpRequestRecord } from '../../core/model/oid4vp-request.js';
import type { Oid4vpRequestStore } from '../../core/ports/oid4vp-request-store.js';

/**
 * OpenID4VP requests in one process's memory: the test double, and enough for
 * one process (a restart forgets open requests). Records are structured
 * clones, so neither a caller's object nor a returned one changes what is stored.
 */
export class MemoryOid4vpRequestStore implements Oid4vpRequestStore {
  private readonly records = new Map<string, Oid4vpRequestRecord>();

  async create(record: Oid4vpRequestRecord): Promise<void> {
    if (this.records.has(record.id)) throw new Error(`OpenID4VP request ${record.id} already exists`);
    this.records.set(record.id, structuredClone(record));
  }

  async get(id: string): Promise<Oid4vpRequestRecord | null> {
    const record = this.records.get(id);
    return record ? structuredClone(record) : null;
  }

  async replace(next: Oid4vpRequestRecord, expectedVersion: number): Promise<boolean> {
    const current = this.records.get(next.id);
    if (!current || current.version !== expectedVersion || next.version !== expectedVersion + 1) return false;
    this.records.set(next.id, structuredClone(next));
    return true;
  }

  async purgeExpired(now: number): Promise<number> {
    let deleted = 0;
    for (const [id, record] of this.records) {
      if (record.purgeAt <= now) {
        this.records.delete(id);
        deleted++;
      }
    }
    return deleted;
  }
}
