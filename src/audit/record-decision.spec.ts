import { describe, expect, it } from '@jest/globals';
import { fixedClock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AuditLog } from '../core/ports/audit-log.js';
import { createMemoryStorage } from '../storage/memory/index.js';
import { AUDIT_EVENT_ID_PATTERN } from './audit-event-id.js';
import { runInRequestContext } from '../observability/request-context.js';
import { loggedHolder, recordDecision, requireAuditedIfAccepted, type DecisionToAudit } from './record-decision.js';

const T0 = Date.parse('2026-11-27T12:00:00Z');

function capturingLogger(): Logger & { errors: Array<{ obj: object; msg?: string }>; infos: Array<{ obj: object; msg?: string }> } {
  const errors: Array<{ obj: object; msg?: string }> = [];
  const infos: Array<{ obj: object; msg?: string }> = [];
  return { errors, infos, info: (obj, msg) => infos.push({ obj, msg }), warn() {}, debug() {}, error: (obj, msg) => errors.push({ obj, msg }) };
}

const rejected: DecisionToAudit = {
  owner: 'shop-a',
  policyId: 'employee-portal',
  outcome: 'rejected',
  holder: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  format: 'jwt_vp_json',
  codes: ['credential.signature_invalid', 'credential.revoked', 'credential.signature_invalid'],
  credentialIssuers: ['did:web:hr.example.com', 'did:web:hr.example.com'],
  requestId: 'req-1',
};

const failingLog: AuditLog = {
  record: async () => {
    throw new Error('SQLITE_BUSY: database is locked');
  },
  list: async () => ({ events: [] }),
  purgeOlderThan: async () => 0,
};

describe('recordDecision', () => {
  it('records the event at the clock time with a fresh id, each code and issuer once', async () => {
    const { auditLog } = createMemoryStorage();
    const logger = capturingLogger();
    const recording = await recordDecision(auditLog, rejected, { clock: fixedClock(T0), logger });
    const expected = {
      id: expect.stringMatching(AUDIT_EVENT_ID_PATTERN),
      time: T0,
      owner: 'shop-a',
      policyId: 'employee-portal',
      outcome: 'rejected',
      holder: rejected.holder,
      format: 'jwt_vp_json',
      codes: ['credential.signature_invalid', 'credential.revoked'],
      credentialIssuers: ['did:web:hr.example.com'],
      requestId: 'req-1',
    };
    expect(recording).toStrictEqual({ recorded: true, event: expected });
    await expect(auditLog.list('shop-a', { limit: 10 })).resolves.toStrictEqual({ events: [expected] });
    expect(logger.errors).toStrictEqual([]);
  });

  it('leaves out what the decision does not name, and records an acceptance with no codes', async () => {
    const { auditLog } = createMemoryStorage();
    const recording = await recordDecision(
      auditLog,
      { owner: '@operator', policyId: 'staff', outcome: 'accepted' },
      { clock: fixedClock(T0), logger: capturingLogger() },
    );
    expect(recording).toStrictEqual({
      recorded: true,
      event: { id: expect.any(String), time: T0, owner: '@operator', policyId: 'staff', outcome: 'accepted', codes: [] },
    });
  });

  it('ids follow the clock: later decisions sort after earlier ones', async () => {
    const { auditLog } = createMemoryStorage();
    const clock = fixedClock(T0);
    const deps = { clock, logger: capturingLogger() };
    for (let i = 0; i < 5; i += 1) {
      await recordDecision(auditLog, { ...rejected, requestId: `req-${i}` }, deps);
      clock.advance(1);
    }
    const { events } = await auditLog.list(undefined, { limit: 10 });
    expect(events.map((event) => event.requestId)).toStrictEqual(['req-4', 'req-3', 'req-2', 'req-1', 'req-0']);
  });

  it('bounds what a presentation supplies: long values are cut, long lists shortened', async () => {
    const { auditLog } = createMemoryStorage();
    const recording = await recordDecision(
      auditLog,
      {
        ...rejected,
        holder: `did:web:${'a'.repeat(100_000)}`,
        format: 'f'.repeat(1000),
        credentialIssuers: Array.from({ length: 1000 }, (_, i) => `did:web:issuer-${i}.example.com`),
        requestId: 'r'.repeat(500),
      },
      { clock: fixedClock(T0), logger: capturingLogger() },
    );
    if (!recording.recorded) throw new Error('not recorded');
    expect(recording.event.holder).toHaveLength(2049);
    expect(recording.event.holder!.endsWith('…')).toBe(true);
    expect(recording.event.format).toHaveLength(65);
    expect(recording.event.credentialIssuers).toHaveLength(32);
    expect(recording.event.credentialIssuers![31]).toBe('did:web:issuer-31.example.com');
    expect(recording.event.requestId).toHaveLength(129);
  });

  it('never throws: a failed write is logged at error level with the whole event', async () => {
    const logger = capturingLogger();
    const recording = await recordDecision(failingLog, rejected, { clock: fixedClock(T0), logger });
    expect(recording).toStrictEqual({ recorded: false, outcome: 'rejected' });
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]!.obj).toMatchObject({
      err: { message: 'SQLITE_BUSY: database is locked' },
      auditEvent: {
        time: T0,
        owner: 'shop-a',
        policyId: 'employee-portal',
        outcome: 'rejected',
        codes: ['credential.signature_invalid', 'credential.revoked'],
      },
    });
  });

  it('never throws even when the event cannot be built (a clock out of range)', async () => {
    const logger = capturingLogger();
    const recording = await recordDecision(createMemoryStorage().auditLog, { ...rejected, outcome: 'accepted' }, { clock: fixedClock(-1), logger });
    expect(recording).toStrictEqual({ recorded: false, outcome: 'accepted' });
    expect(logger.errors[0]!.obj).toMatchObject({ auditEvent: { owner: 'shop-a', outcome: 'accepted' } });
  });
});

describe('the decision log line (KPARTY_LOG_HOLDER)', () => {
  it('logs one info line per decision: policy, outcome, codes once, the holder hashed, request id and duration', async () => {
    const logger = capturingLogger();
    await runInRequestContext({ startedAt: performance.now() - 25 }, () =>
      recordDecision(createMemoryStorage().auditLog, rejected, { clock: fixedClock(T0), logger }),
    );
    expect(logger.infos).toStrictEqual([
      {
        obj: {
          decision: 'rejected',
          policy: 'employee-portal',
          owner: 'shop-a',
          codes: ['credential.signature_invalid', 'credential.revoked'],
          holder: loggedHolder(rejected.holder, 'hash'),
          format: 'jwt_vp_json',
          requestId: 'req-1',
          durationMs: expect.any(Number),
        },
        msg: 'presentation rejected',
      },
    ]);
    const line = JSON.stringify(logger.infos);
    expect(line).not.toContain('z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK');
    expect((logger.infos[0]!.obj as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(25);
  });

  it('hashes the holder to a stable pseudonym, or omits it', () => {
    const hashed = loggedHolder('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'hash');
    expect(hashed).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(loggedHolder('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'hash')).toBe(hashed);
    expect(loggedHolder('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doL', 'hash')).not.toBe(hashed);
    expect(loggedHolder('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'omit')).toBeUndefined();
    expect(loggedHolder(undefined, 'hash')).toBeUndefined();
  });

  it('with omit, and outside a request, the line has no holder and no duration; an unaudited decision says so', async () => {
    const logger = capturingLogger();
    await recordDecision(failingLog, { ...rejected, outcome: 'accepted', codes: [] }, { clock: fixedClock(T0), logger, logHolder: 'omit' });
    expect(logger.infos).toStrictEqual([
      {
        obj: { decision: 'accepted', policy: 'employee-portal', owner: 'shop-a', codes: [], format: 'jwt_vp_json', requestId: 'req-1', audited: false },
        msg: 'presentation accepted',
      },
    ]);
  });
});

describe('requireAuditedIfAccepted (fail closed)', () => {
  it('answers 503 service.unavailable for an accepted decision that was not recorded', async () => {
    const recording = await recordDecision(failingLog, { ...rejected, outcome: 'accepted', codes: [] }, { clock: fixedClock(T0), logger: capturingLogger() });
    let thrown: unknown;
    try {
      requireAuditedIfAccepted(recording);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KpartyError);
    expect(thrown).toMatchObject({ code: 'service.unavailable', status: 503, retryAfter: 5 });
  });

  it('lets a rejection that was not recorded, and any recorded decision, through', async () => {
    const logger = capturingLogger();
    const deps = { clock: fixedClock(T0), logger };
    expect(() => requireAuditedIfAccepted({ recorded: false, outcome: 'rejected' })).not.toThrow();
    const accepted = await recordDecision(createMemoryStorage().auditLog, { ...rejected, outcome: 'accepted', codes: [] }, deps);
    expect(() => requireAuditedIfAccepted(accepted)).not.toThrow();
  });
});
