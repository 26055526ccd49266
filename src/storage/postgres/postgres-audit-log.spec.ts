import { describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import type { AuditEvent } from '../../core/model/audit-event.js';
import { AUDIT_BATCH_MAX_ROWS, PostgresAuditLog } from './postgres-audit-log.js';

const event = (n: number): AuditEvent => ({
  id: `evt-${String(n).padStart(4, '0')}`,
  time: 1_700_000_000_000 + n,
  owner: 'rp-a',
  policyId: 'p',
  outcome: 'accepted',
  codes: [],
});

/** A pool whose queries wait until released, recording the rows of each INSERT. */
function gatedPool(fail = false) {
  const inserts: number[] = [];
  const waiting: Array<() => void> = [];
  const pool = {
    query: (sql: string, params: unknown[]) =>
      new Promise((resolve, reject) => {
        inserts.push(params.length / 10);
        waiting.push(() => {
          if (fail) reject(new Error('Connection terminated unexpectedly'));
          else resolve({ rows: Array.from({ length: params.length / 10 }, (_, i) => ({ id: params[i * 10] })) });
        });
        void sql;
      }),
  } as unknown as Pool;
  const releaseOne = async (): Promise<void> => {
    while (waiting.length === 0) await new Promise((r) => setImmediate(r));
    waiting.shift()?.();
  };
  return { pool, inserts, releaseOne };
}

describe('PostgresAuditLog group commit', () => {
  it('sends the first event at once and the events recorded meanwhile together, at most AUDIT_BATCH_MAX_ROWS per INSERT', async () => {
    const { pool, inserts, releaseOne } = gatedPool();
    const log = new PostgresAuditLog(pool);
    const first = log.record(event(1));
    const rest = Array.from({ length: AUDIT_BATCH_MAX_ROWS + 5 }, (_, i) => log.record(event(i + 2)));
    await releaseOne();
    await first;
    await releaseOne();
    await releaseOne();
    await Promise.all(rest);
    expect(inserts).toStrictEqual([1, AUDIT_BATCH_MAX_ROWS, 5]);
  });

  it('a failed INSERT fails every event it carried, and nothing resolves before its INSERT answered', async () => {
    const { pool, releaseOne } = gatedPool(true);
    const log = new PostgresAuditLog(pool);
    let settled = false;
    const outcomes = Promise.allSettled([log.record(event(1)), log.record(event(2)), log.record(event(3))]).then((all) => {
      settled = true;
      return all;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    await releaseOne();
    await releaseOne();
    expect((await outcomes).map((o) => o.status)).toStrictEqual(['rejected', 'rejected', 'rejected']);
  });
});
