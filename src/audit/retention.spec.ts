import { describe, expect, it } from '@jest/globals';
import type { Logger } from '../core/logger.js';
import { createMemoryStorage } from '../storage/memory/index.js';
import { auditRetentionCutoff, purgeExpiredAuditEvents } from './retention.js';

const T0 = Date.parse('2026-11-27T12:00:00Z');
const DAY = 86_400_000;

function event(id: string, time: number) {
  return { id, time, owner: 'shop-a', policyId: 'p', outcome: 'accepted' as const, codes: [] };
}

describe('audit retention', () => {
  it('cuts off retentionDays before now; 0 keeps everything', () => {
    expect(auditRetentionCutoff(T0, 90)).toBe(T0 - 90 * DAY);
    expect(auditRetentionCutoff(T0, 1)).toBe(T0 - DAY);
    expect(auditRetentionCutoff(T0, 0)).toBeNull();
  });

  it('purges events older than the retention and keeps the rest', async () => {
    const { auditLog } = createMemoryStorage();
    await auditLog.record(event('a', T0 - 91 * DAY));
    await auditLog.record(event('b', T0 - 90 * DAY));
    await auditLog.record(event('c', T0 - DAY));
    const logger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
    await purgeExpiredAuditEvents(auditLog, T0, 0, logger);
    expect((await auditLog.list(undefined, { limit: 10 })).events.map((e) => e.id)).toStrictEqual(['c', 'b', 'a']);
    await purgeExpiredAuditEvents(auditLog, T0, 90, logger);
    expect((await auditLog.list(undefined, { limit: 10 })).events.map((e) => e.id)).toStrictEqual(['c', 'b']);
  });

  it('only warns when the purge fails', async () => {
    const warnings: object[] = [];
    const logger: Logger = { info() {}, error() {}, debug() {}, warn: (obj) => warnings.push(obj) };
    const failing = { record: async () => {}, list: async () => ({ events: [] }), purgeOlderThan: async () => Promise.reject(new Error('locked')) };
    await expect(purgeExpiredAuditEvents(failing, T0, 90, logger)).resolves.toBeUndefined();
    expect(warnings).toMatchObject([{ err: { message: 'locked' } }]);
  });
});
