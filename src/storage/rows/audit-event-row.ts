import type { AuditEvent, AuditOutcome } from '../../core/model/audit-event.js';

/** The columns of `audit_events`, in the order both SQL adapters insert and select them. */
export const AUDIT_EVENT_COLUMNS = 'id, time, owner, policy_id, outcome, holder, format, codes, credential_issuers, request_id';

/** An `audit_events` row with its JSON columns decoded (PostgreSQL decodes jsonb itself; SQLite stores text). */
export interface AuditEventRow {
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
export function toAuditEvent(row: AuditEventRow): AuditEvent {
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
