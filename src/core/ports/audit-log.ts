import type { AuditEvent } from '../model/audit-event.js';

/** The largest `limit` an adapter accepts; the HTTP API allows less (200). */
export const AUDIT_LIST_MAX_LIMIT = 1000;

export interface AuditPageRequest {
  /** How many events at most, 1..AUDIT_LIST_MAX_LIMIT; anything else is an error. */
  limit: number;
  /** A cursor: only events with an id below this one (older). Any string; need not be a stored id. */
  before?: string;
}

export interface AuditPage {
  /** Newest first (descending id). */
  events: AuditEvent[];
  /** Cursor of the next (older) page: set only when more events follow. */
  next?: string;
}

/**
 * The audit log of verification decisions. Paging is by keyset (`id < before`),
 * not offset, so events recorded while a client pages never shift a page nor
 * show an event twice.
 */
export interface AuditLog {
  /** Appends an event; an id already recorded is an error (and the first event stays). */
  record(event: AuditEvent): Promise<void>;
  /** Events of `owner` (all owners when undefined, for the operator), newest first. */
  list(owner: string | undefined, page: AuditPageRequest): Promise<AuditPage>;
  /** Deletes events with `time` before `time` (retention); returns how many. */
  purgeOlderThan(time: number): Promise<number>;
}

/** Throws for a `limit` outside 1..AUDIT_LIST_MAX_LIMIT: a programming error, which callers must have caught. */
export function assertAuditLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > AUDIT_LIST_MAX_LIMIT) {
    throw new RangeError(`audit page limit must be an integer from 1 to ${AUDIT_LIST_MAX_LIMIT}, got ${limit}`);
  }
}
