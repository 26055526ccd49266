import type { Logger } from '../core/logger.js';
import type { AuditLog } from '../core/ports/audit-log.js';

const DAY_MS = 86_400_000;

/** The time before which audit events are deleted, or null when `retentionDays` is 0 (keep forever). */
export function auditRetentionCutoff(now: number, retentionDays: number): number | null {
  return retentionDays === 0 ? null : now - retentionDays * DAY_MS;
}

/**
 * Deletes audit events older than the retention (KPARTY_AUDIT_RETENTION_DAYS).
 * Run by the composition root's maintenance timer; never throws — a failed
 * purge is retried on the next run, so it is only a warning.
 */
export async function purgeExpiredAuditEvents(log: AuditLog, now: number, retentionDays: number, logger: Logger): Promise<void> {
  const cutoff = auditRetentionCutoff(now, retentionDays);
  if (cutoff === null) return;
  try {
    const purged = await log.purgeOlderThan(cutoff);
    if (purged > 0) logger.debug({ purged, before: new Date(cutoff).toISOString() }, 'purged audit events past their retention');
  } catch (error) {
    logger.warn({ err: error }, 'purging old audit events failed');
  }
}
