import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordDecision, type DecisionToAudit } from '../../src/audit/record-decision.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AuditEvent } from '../../src/core/model/audit-event.js';
import { openSqliteStorage } from '../../src/storage/sqlite/index.js';
import { loadConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { expectProblem } from '../e2e/problem.js';

/*
 * The verification endpoint is what will write audit events; until then (and
 * to know exactly what is stored) the tests write them with recordDecision
 * into the SQLite file kparty then opens, as a verification would.
 */

const DAY = 86_400_000;

/** Writes each decision into the SQLite file at `path`, one second apart from `start` on; returns the events. */
async function seed(path: string, start: number, decisions: DecisionToAudit[]): Promise<AuditEvent[]> {
  const storage = openSqliteStorage(path);
  const clock = fixedClock(start);
  const events: AuditEvent[] = [];
  try {
    for (const decision of decisions) {
      const recording = await recordDecision(storage.auditLog, decision, { clock, logger: silentLogger });
      if (!recording.recorded) throw new Error('seeding the audit log failed');
      events.push(recording.event);
      clock.advance(1000);
    }
  } finally {
    await storage.close();
  }
  return events;
}

/** The JSON the API shows for an event. */
function shown(event: AuditEvent): Record<string, unknown> {
  const { policyId, time, ...rest } = event;
  return { ...rest, time: new Date(time).toISOString(), policy: policyId };
}

const newestFirst = (events: AuditEvent[]): AuditEvent[] => [...events].reverse();

function decision(owner: string, n: number): DecisionToAudit {
  const accepted = n % 3 === 0;
  return {
    owner,
    policyId: owner === '@operator' ? 'staff-login' : `${owner}-portal`,
    outcome: accepted ? 'accepted' : 'rejected',
    holder: `did:key:z6Mk${owner.replace(/\W/g, '')}${n}`,
    format: n % 2 === 0 ? 'jwt_vp_json' : 'dc+sd-jwt',
    codes: accepted ? [] : ['credential.signature_invalid', 'challenge.unknown'],
    credentialIssuers: ['did:web:hr.example.com'],
    requestId: `req-${owner}-${n}`,
  };
}

describe('GET /v1/admin/audit over HTTP (built app, SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kparty-e2e-audit-'));
  let kparty: RunningKparty;
  let keyA: string;
  let keyB: string;
  /** Oldest first, as seeded. */
  let all: AuditEvent[];
  const of = (owner: string): AuditEvent[] => all.filter((event) => event.owner === owner);

  beforeAll(async () => {
    // Interleaved owners: shop-a 5 events, shop-b 3, the operator's policy files 2, shop-c 55 (for the default limit).
    const owners = ['shop-a', 'shop-b', 'shop-a', '@operator', 'shop-a', 'shop-b', 'shop-a', '@operator', 'shop-b', 'shop-a'];
    const decisions = [...owners.map((owner, n) => decision(owner, n)), ...Array.from({ length: 55 }, (_, n) => decision('shop-c', n))];
    // Well within the default 90-day retention, which kparty applies at start.
    all = await seed(join(dataDir, 'kparty.db'), Date.now() - DAY, decisions);
    kparty = await startKparty({ dataDir });
    const a = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'shop-a', name: 'Shop A', audiences: ['https://shop-a.example'] },
    });
    const b = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'shop-b', name: 'Shop B', audiences: ['https://shop-b.example'] },
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    keyA = a.body.apiKey;
    keyB = b.body.apiKey;
  });

  afterAll(async () => {
    await kparty?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('refuses a missing key with 401 and a Bearer challenge', async () => {
      const reply = await kparty.request('GET', '/v1/admin/audit');
      expectProblem(reply, 401, 'auth.unauthorized');
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('refuses an unknown key and a malformed header with 401', async () => {
      expectProblem(await kparty.request('GET', '/v1/admin/audit', { key: 'kpk_not-a-real-key' }), 401, 'auth.unauthorized');
      expectProblem(await kparty.request('GET', '/v1/admin/audit', { headers: { authorization: `Basic ${TEST_ADMIN_KEY}` } }), 401, 'auth.unauthorized');
    });

    it('checks the key before the query: a bad query without a key is 401, not 400', async () => {
      expectProblem(await kparty.request('GET', '/v1/admin/audit?limit=0'), 401, 'auth.unauthorized');
    });
  });

  describe('who sees what', () => {
    it('a relying party sees exactly the decisions of its own policies, newest first, and no cursor at the end', async () => {
      const reply = await kparty.request('GET', '/v1/admin/audit', { key: keyA });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.body).toStrictEqual({ events: newestFirst(of('shop-a')).map(shown) });
      expect(reply.body.events).toHaveLength(5);
    });

    it('another relying party sees only its own', async () => {
      const reply = await kparty.request('GET', '/v1/admin/audit', { key: keyB });
      expect(reply.body).toStrictEqual({ events: newestFirst(of('shop-b')).map(shown) });
    });

    it('an event shows time as ISO 8601 and every recorded member, and nothing of the credentials', async () => {
      const [newest] = (await kparty.request('GET', '/v1/admin/audit?limit=1', { key: keyB })).body.events;
      expect(Object.keys(newest).sort()).toStrictEqual([
        'codes',
        'credentialIssuers',
        'format',
        'holder',
        'id',
        'outcome',
        'owner',
        'policy',
        'requestId',
        'time',
      ]);
      expect(newest).toMatchObject({ owner: 'shop-b', policy: 'shop-b-portal', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    });

    it('the operator sees every decision: 50 by default, then the rest through the cursor', async () => {
      const first = await kparty.request('GET', '/v1/admin/audit', { key: TEST_ADMIN_KEY });
      expect(first.status).toBe(200);
      expect(first.body.events).toHaveLength(50);
      expect(first.body.next).toBe(first.body.events[49].id);
      const second = await kparty.request('GET', `/v1/admin/audit?before=${first.body.next}`, { key: TEST_ADMIN_KEY });
      expect(second.body.next).toBeUndefined();
      expect([...first.body.events, ...second.body.events]).toStrictEqual(newestFirst(all).map(shown));
    });
  });

  describe('paging', () => {
    it('walks a relying party through 3 pages with limit=2, the last without next', async () => {
      const expected = newestFirst(of('shop-a')).map(shown);
      const first = await kparty.request('GET', '/v1/admin/audit?limit=2', { key: keyA });
      expect(first.body).toStrictEqual({ events: expected.slice(0, 2), next: expected[1]!.id });
      const second = await kparty.request('GET', `/v1/admin/audit?limit=2&before=${first.body.next}`, { key: keyA });
      expect(second.body).toStrictEqual({ events: expected.slice(2, 4), next: expected[3]!.id });
      const third = await kparty.request('GET', `/v1/admin/audit?before=${second.body.next}&limit=2`, { key: keyA });
      expect(third.body).toStrictEqual({ events: expected.slice(4) });
    });

    it("a cursor taken from another relying party's page shows only one's own older events", async () => {
      const newestOfB = newestFirst(of('shop-b'))[0]!;
      const reply = await kparty.request('GET', `/v1/admin/audit?before=${newestOfB.id}`, { key: keyA });
      expect(reply.body).toStrictEqual({ events: newestFirst(of('shop-a').filter((event) => event.id < newestOfB.id)).map(shown) });
      expect(reply.body.events.length).toBeGreaterThan(0);
    });

    it('accepts limit 1 and 200', async () => {
      expect((await kparty.request('GET', '/v1/admin/audit?limit=1', { key: TEST_ADMIN_KEY })).body.events).toHaveLength(1);
      const max = await kparty.request('GET', '/v1/admin/audit?limit=200', { key: TEST_ADMIN_KEY });
      expect({ count: max.body.events.length, next: max.body.next }).toStrictEqual({ count: all.length, next: undefined });
    });
  });

  describe('invalid queries answer 400 request.invalid naming each violation', () => {
    const LIMIT = 'must be a whole number from 1 to 200';
    const BEFORE = 'must be the `next` cursor of a previous page (26 characters of Crockford base32)';

    it.each([
      ['limit=0', '/limit', LIMIT],
      ['limit=201', '/limit', LIMIT],
      ['limit=-1', '/limit', LIMIT],
      ['limit=1.5', '/limit', LIMIT],
      ['limit=050', '/limit', LIMIT],
      ['limit=abc', '/limit', LIMIT],
      ['limit=', '/limit', LIMIT],
      ['limit=5&limit=6', '/limit', 'must be a string'],
      ['before=not-a-cursor', '/before', BEFORE],
      ['before=01arz3ndektsv4rrffq69g5fav', '/before', BEFORE],
      ['cursor=01ARZ3NDEKTSV4RRFFQ69G5FAV', '/cursor', 'unknown property "cursor"'],
      ['limt=5', '/limt', 'unknown property "limt" (did you mean "limit"?)'],
    ])('?%s', async (query, path, detail) => {
      const reply = await kparty.request('GET', `/v1/admin/audit?${query}`, { key: keyA });
      expectProblem(reply, 400, 'request.invalid');
      expect(reply.body.errors).toStrictEqual([{ code: 'request.invalid', path, detail }]);
    });

    it('lists every violation at once', async () => {
      const reply = await kparty.request('GET', '/v1/admin/audit?limit=0&before=x&page=2', { key: TEST_ADMIN_KEY });
      expectProblem(reply, 400, 'request.invalid');
      expect(reply.body.errors).toEqual(
        expect.arrayContaining([
          { code: 'request.invalid', path: '/limit', detail: LIMIT },
          { code: 'request.invalid', path: '/before', detail: BEFORE },
          { code: 'request.invalid', path: '/page', detail: 'unknown property "page"' },
        ]),
      );
      expect(reply.body.errors).toHaveLength(3);
    });
  });

  it('is described in the OpenAPI document with its query parameters', async () => {
    const doc = (await kparty.request('GET', '/docs/openapi.json')).body;
    const operation = doc.paths['/v1/admin/audit'].get;
    expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toStrictEqual(['query:before', 'query:limit']);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
  });
});

describe('audit retention (KPARTY_AUDIT_RETENTION_DAYS)', () => {
  it('keeps everything with 0, and purges events older than the default 90 days at start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kparty-e2e-audit-retention-'));
    try {
      const now = Date.now();
      const [old] = await seed(join(dataDir, 'kparty.db'), now - 91 * DAY, [decision('@operator', 1)]);
      const [recent] = await seed(join(dataDir, 'kparty.db'), now - 89 * DAY, [decision('@operator', 2)]);
      const list = async (instance: RunningKparty) => (await instance.request('GET', '/v1/admin/audit', { key: TEST_ADMIN_KEY })).body;

      const keeping = await startKparty({ dataDir, env: { KPARTY_AUDIT_RETENTION_DAYS: '0' } });
      try {
        expect(await list(keeping)).toStrictEqual({ events: [shown(recent!), shown(old!)] });
      } finally {
        await keeping.stop();
      }

      const defaults = await startKparty({ dataDir });
      try {
        expect(await list(defaults)).toStrictEqual({ events: [shown(recent!)] });
      } finally {
        await defaults.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // How an invalid variable stops the process (one line, exit 1) is tested once for all in test/e2e/startup.e2e.spec.ts.
  it.each(['forever', '-1', '36501', '1.5'])('refuses KPARTY_AUDIT_RETENTION_DAYS=%j with one message naming it', (value) => {
    const load = (): unknown => loadConfig({ DATABASE_URL: 'sqlite:unused', KPARTY_AUDIT_RETENTION_DAYS: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^KPARTY_AUDIT_RETENTION_DAYS/);
    expect(load).not.toThrow(/\n/);
  });
});
