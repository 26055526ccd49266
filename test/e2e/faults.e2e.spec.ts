import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity } from '../support/identities.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import {
  createTestSchema,
  deleteRedisKeys,
  freeLoopbackPort,
  testRedisPrefix,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  type TestSchema,
} from '../support/servers.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startExpectingFailure, startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { expectProblem } from './problem.js';
import { createRelyingParty, waitUntilReady } from './scale-out.js';

/*
 * Storage faults against real servers: a private redis-server killed and
 * started again, and the machine's PostgreSQL reached through a TCP proxy that
 * is cut and restored (the shared servers themselves are never stopped).
 * While storage is down, wallet endpoints answer 503 service.unavailable with
 * Retry-After — never a 500, never an acceptance — and /readyz fails; when it
 * is back, kparty serves again without a restart.
 */

const issuer = ed25519Identity();
const holder = ed25519Identity();
const POLICY = {
  id: 'portal',
  audience: 'https://orders.example.com',
  credentials: [
    {
      id: 'employee',
      format: 'jwt_vc_json',
      meta: { type_values: [['EmployeeCredential']] },
      trustedIssuers: [issuer.did],
      status: 'required',
    },
  ],
  holderBinding: 'required',
};

/** Expects the fail-closed answer of a storage outage. */
function expectUnavailable(reply: Reply): void {
  expectProblem(reply, 503, 'service.unavailable');
  expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
}

async function setUp(kparty: RunningKparty): Promise<void> {
  const rpKey = await createRelyingParty(kparty, TEST_ADMIN_KEY, 'orders');
  expect((await kparty.request('PUT', '/v1/admin/policies/portal', { key: rpKey, body: POLICY })).status).toBe(201);
}

/** A valid presentation answering a challenge just fetched (so only the outage can stop it). */
async function validPresentation(kparty: RunningKparty): Promise<string> {
  const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy: 'portal' } });
  expect(challenge.status).toBe(201);
  return presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: challenge.body.challenge, aud: challenge.body.domain });
}

const verify = (kparty: RunningKparty, vp: string): Promise<Reply> =>
  kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'portal', presentation: vp } });

/** Polls /readyz until 200; fails after `timeoutMs`. Returns how long recovery took. */
async function recovered(kparty: RunningKparty, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  await waitUntilReady(kparty, timeoutMs);
  return Date.now() - started;
}

describe('Redis outage (PostgreSQL + a private Redis that is killed and restarted)', () => {
  let schema: TestSchema;
  let redis: PrivateRedis;
  let kparty: RunningKparty;

  beforeAll(async () => {
    schema = await createTestSchema();
    redis = await startPrivateRedis();
    kparty = await startKparty({ env: { DATABASE_URL: schema.databaseUrl, REDIS_URL: redis.url, KPARTY_RATE_LIMIT: '1000' } });
    await waitUntilReady(kparty);
    await setUp(kparty);
  });
  afterAll(async () => {
    // Every failure was a 503 with its cause logged; none was an unexpected 500.
    expect(kparty?.output()).toContain('"code":"service.unavailable"');
    expect(kparty?.output()).not.toContain('"code":"internal"');
    await kparty?.stop();
    await redis?.stop();
    await schema?.drop();
  });

  it('answers 503 on every wallet endpoint and on /readyz while Redis is down, and recovers without a restart', async () => {
    const prepared = await validPresentation(kparty);
    const session = await verify(kparty, await validPresentation(kparty));
    expect(session.status).toBe(200);
    const bearer = { authorization: `Bearer ${session.body.session.token}` };
    expect((await kparty.request('GET', '/v1/auth/check', { headers: bearer })).status).toBe(200);
    await redis.stop();

    expectUnavailable(await kparty.request('POST', '/v1/challenges', { body: { policy: 'portal' } }));
    // The denylist is in Redis: a token that might have been revoked is not let through.
    expectUnavailable(await kparty.request('GET', '/v1/auth/check', { headers: bearer }));
    // A valid presentation whose challenge cannot be checked is not accepted.
    expectUnavailable(await verify(kparty, prepared));
    expectUnavailable(await kparty.request('GET', '/readyz'));
    expect((await kparty.request('GET', '/healthz')).status).toBe(200);
    // What lives in PostgreSQL is still served.
    expect((await kparty.request('GET', '/v1/admin/policies/portal', { key: TEST_ADMIN_KEY })).status).toBe(200);

    await redis.start();
    expect(await recovered(kparty)).toBeLessThan(10_000);
    expect((await verify(kparty, await validPresentation(kparty))).status).toBe(200);
    // The restarted Redis kept nothing (no persistence): the old challenge is unknown, not accepted.
    const stale = await verify(kparty, prepared);
    expectProblem(stale, 422, 'presentation.rejected');
    expect(stale.body.errors.map((e: { code: string }) => e.code)).toStrictEqual(['challenge.unknown']);
  });

  it('the rate limiter fails closed too: with counters in Redis unreachable, a wallet request is refused, not served', async () => {
    // An unknown policy needs only PostgreSQL to answer 404 — unless the rate limiter (Redis) refuses first.
    expectProblem(await kparty.request('POST', '/v1/challenges', { body: { policy: 'no-such-policy' } }), 404, 'policy.not_found');
    await redis.stop();
    try {
      const started = Date.now();
      expectUnavailable(await kparty.request('POST', '/v1/challenges', { body: { policy: 'no-such-policy' } }));
      // Fails fast: no waiting for a reconnect.
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await redis.start();
      await recovered(kparty);
    }
  });
});

describe('PostgreSQL outage (kparty reaches PostgreSQL through a TCP proxy that is cut and restored; no Redis)', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let kparty: RunningKparty;

  beforeAll(async () => {
    schema = await createTestSchema();
    const target = new URL(TEST_DATABASE_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const throughProxy = new URL(schema.databaseUrl);
    throughProxy.hostname = '127.0.0.1';
    throughProxy.port = String(proxy.port);
    kparty = await startKparty({ env: { DATABASE_URL: throughProxy.toString() } });
    await setUp(kparty);
  });
  afterAll(async () => {
    expect(kparty?.output()).toContain('"code":"service.unavailable"');
    expect(kparty?.output()).not.toContain('"code":"internal"');
    await kparty?.stop();
    await proxy?.close();
    await schema?.drop();
  });

  it('answers 503 on every wallet endpoint and on /readyz while PostgreSQL is unreachable, and recovers without a restart', async () => {
    const prepared = await validPresentation(kparty);
    const session = await verify(kparty, await validPresentation(kparty));
    expect(session.status).toBe(200);
    const bearer = { authorization: `Bearer ${session.body.session.token}` };
    await proxy.cut();

    expectUnavailable(await kparty.request('POST', '/v1/challenges', { body: { policy: 'portal' } }));
    // Without Redis the denylist is in PostgreSQL: forward-auth cannot tell whether the token was revoked.
    expectUnavailable(await kparty.request('GET', '/v1/auth/check', { headers: bearer }));
    expectUnavailable(await verify(kparty, prepared));
    expectUnavailable(await kparty.request('GET', '/readyz'));
    expectUnavailable(await kparty.request('GET', '/v1/admin/policies', { key: TEST_ADMIN_KEY }));
    expect((await kparty.request('GET', '/healthz')).status).toBe(200);
    // Still down a moment later: nothing was served from a stale copy in between.
    expectUnavailable(await verify(kparty, prepared));

    await proxy.restore();
    expect(await recovered(kparty)).toBeLessThan(10_000);
    // The challenge was never consumed (the policy lookup failed first): the same presentation now passes.
    expect((await verify(kparty, prepared)).status).toBe(200);
    expect((await verify(kparty, await validPresentation(kparty))).status).toBe(200);
  });
});

describe('PostgreSQL outage with Redis (PostgreSQL through a TCP proxy, the test Redis)', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let kparty: RunningKparty;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    schema = await createTestSchema();
    const target = new URL(TEST_DATABASE_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const throughProxy = new URL(schema.databaseUrl);
    throughProxy.hostname = '127.0.0.1';
    throughProxy.port = String(proxy.port);
    kparty = await startKparty({ env: { DATABASE_URL: throughProxy.toString(), REDIS_URL: TEST_REDIS_URL, KPARTY_REDIS_PREFIX: prefix } });
    await waitUntilReady(kparty);
    await setUp(kparty);
  });
  afterAll(async () => {
    await kparty?.stop();
    await proxy?.close();
    await schema?.drop();
    await deleteRedisKeys(prefix);
  });

  it('wallet endpoints answer 503, while forward-auth goes on (keys in memory, denylist in Redis) and still refuses revoked tokens', async () => {
    const issued = await Promise.all([verify(kparty, await validPresentation(kparty)), verify(kparty, await validPresentation(kparty))]);
    for (const reply of issued) expect(reply.status).toBe(200);
    const [keptToken, revokedToken] = issued.map((reply): string => reply.body.session.token);
    const kept = { authorization: `Bearer ${keptToken}` };
    const revoked = { authorization: `Bearer ${revokedToken}` };
    const rpKey = await createRelyingParty(kparty, TEST_ADMIN_KEY, 'revoker');
    // Revoked by the operator before the outage; the denylist entry is in Redis.
    expect((await kparty.request('POST', '/v1/sessions/revoke', { key: TEST_ADMIN_KEY, body: { token: revokedToken } })).status).toBe(200);
    await proxy.cut();
    try {
      expectUnavailable(await kparty.request('POST', '/v1/challenges', { body: { policy: 'portal' } }));
      expectUnavailable(await kparty.request('GET', '/readyz'));
      // An OAuth endpoint: an RFC 6749 error object, with kparty's code beside it.
      const introspection = await kparty.request('POST', '/v1/sessions/introspect', { key: rpKey, body: { token: keptToken } });
      expect({ status: introspection.status, code: introspection.body?.code }).toStrictEqual({ status: 503, code: 'service.unavailable' });
      expect((await kparty.request('GET', '/v1/auth/check', { headers: kept })).status).toBe(200);
      expect((await kparty.request('GET', '/v1/auth/check', { headers: revoked })).status).toBe(401);
    } finally {
      await proxy.restore();
    }
    await recovered(kparty);
  });
});

describe('servers unreachable at start', () => {
  const stopping: RunningKparty[] = [];
  afterEach(async () => {
    await Promise.all(stopping.splice(0).map((kparty) => kparty.stop()));
  });

  it('PostgreSQL: kparty refuses to start with one line naming DATABASE_URL (password hidden), exit code 1', async () => {
    const port = await freeLoopbackPort();
    const { code, output } = await startExpectingFailure({ DATABASE_URL: `postgres://kparty:hunter2@127.0.0.1:${port}/kparty` });
    expect(code).toBe(1);
    expect(output.trim()).toMatch(
      new RegExp(
        `^kparty: failed to start: cannot open PostgreSQL at DATABASE_URL postgres://kparty:\\*\\*\\*@127\\.0\\.0\\.1:${port}/kparty: .*ECONNREFUSED.*$`,
      ),
    );
    expect(output).not.toContain('hunter2');
  });

  it('Redis: kparty starts not ready (/readyz and wallet endpoints 503) and becomes ready when Redis appears', async () => {
    const schema = await createTestSchema();
    const redis = await startPrivateRedis();
    await redis.stop();
    try {
      const kparty = await startKparty({ env: { DATABASE_URL: schema.databaseUrl, REDIS_URL: redis.url } });
      stopping.push(kparty);
      expectUnavailable(await kparty.request('GET', '/readyz'));
      expectUnavailable(await kparty.request('POST', '/v1/challenges', { body: { policy: 'portal' } }));
      await redis.start();
      await recovered(kparty);
      await setUp(kparty);
      expect((await verify(kparty, await validPresentation(kparty))).status).toBe(200);
    } finally {
      await Promise.all(stopping.splice(0).map((kparty) => kparty.stop()));
      await redis.stop();
      await schema.drop();
    }
  });
});
