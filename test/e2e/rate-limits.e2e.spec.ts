import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { employeePolicy } from './policies.js';
import { expectProblem } from './problem.js';
import { createRelyingParty, startReplicaSet, type ReplicaSet } from './scale-out.js';

/*
 * KPARTY_RATE_LIMIT (per client address) and KPARTY_RATE_LIMIT_PER_POLICY on
 * the wallet-facing endpoints: 429 rate_limited with Retry-After; counters in
 * process memory, or in Redis shared by every replica.
 */

const challenge = (kparty: RunningKparty, policy: string, headers: Record<string, string> = {}): Promise<Reply> =>
  kparty.request('POST', '/v1/challenges', { body: { policy }, headers });

function expectRateLimited(reply: Reply): void {
  expectProblem(reply, 429, 'rate_limited');
  const retryAfter = Number(reply.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

async function withPolicies(kparty: RunningKparty, ...ids: string[]): Promise<void> {
  const rpKey = await createRelyingParty(kparty, TEST_ADMIN_KEY, 'orders');
  for (const id of ids) expect((await kparty.request('PUT', `/v1/admin/policies/${id}`, { key: rpKey, body: employeePolicy(id) })).status).toBe(201);
}

describe('rate limits of one process (counters in memory)', () => {
  const running: RunningKparty[] = [];
  const start = async (env: Record<string, string>): Promise<RunningKparty> => {
    const kparty = await startKparty({ env });
    running.push(kparty);
    return kparty;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((kparty) => kparty.stop()));
  });

  it('KPARTY_RATE_LIMIT: requests per minute per client over all wallet endpoints, then 429 with Retry-After', async () => {
    const kparty = await start({ KPARTY_RATE_LIMIT: '5' });
    await withPolicies(kparty, 'portal');
    // One window for the counted requests: they must not straddle a minute boundary.
    await untilEarlyInMinute();
    expect((await challenge(kparty, 'portal')).status).toBe(201);
    expectProblem(await challenge(kparty, 'unknown-policy'), 404, 'policy.not_found');
    expect((await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'portal', presentation: 'x.y.z' } })).status).toBe(422);
    expectProblem(await kparty.request('POST', '/v1/presentations/verify', { body: {} }), 400, 'request.invalid');
    expect((await challenge(kparty, 'portal')).status).toBe(201);
    // The sixth wallet request of the minute.
    expectRateLimited(await challenge(kparty, 'portal'));
    expectRateLimited(await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'portal', presentation: 'x.y.z' } }));
    // Matched by route, not by the raw URL: a query string does not dodge the count.
    expectRateLimited(await kparty.request('POST', '/v1/challenges?again=1', { body: { policy: 'portal' } }));
    // Not wallet-facing: never limited.
    expect((await kparty.request('GET', '/healthz')).status).toBe(200);
    expect((await kparty.request('GET', '/v1/admin/policies', { key: TEST_ADMIN_KEY })).status).toBe(200);
    expect((await kparty.request('GET', '/.well-known/jwks.json')).status).toBe(200);
  });

  it('X-Forwarded-For is ignored by default: a client cannot claim a fresh address', async () => {
    const kparty = await start({ KPARTY_RATE_LIMIT: '2' });
    await withPolicies(kparty, 'portal');
    await untilEarlyInMinute();
    for (const forwarded of ['198.51.100.1', '198.51.100.2']) expect((await challenge(kparty, 'portal', { 'x-forwarded-for': forwarded })).status).toBe(201);
    expectRateLimited(await challenge(kparty, 'portal', { 'x-forwarded-for': '198.51.100.3' }));
  });

  it('KPARTY_TRUST_PROXY: behind a trusted proxy each forwarded client has its own budget', async () => {
    const kparty = await start({ KPARTY_RATE_LIMIT: '2', KPARTY_TRUST_PROXY: '127.0.0.1' });
    await withPolicies(kparty, 'portal');
    await untilEarlyInMinute();
    for (let i = 0; i < 2; i += 1) expect((await challenge(kparty, 'portal', { 'x-forwarded-for': '198.51.100.1' })).status).toBe(201);
    expectRateLimited(await challenge(kparty, 'portal', { 'x-forwarded-for': '198.51.100.1' }));
    expect((await challenge(kparty, 'portal', { 'x-forwarded-for': '198.51.100.2' })).status).toBe(201);
    // A forged hop in front of the client the proxy saw does not help: the right-most untrusted address counts.
    expectRateLimited(await challenge(kparty, 'portal', { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' }));
  });

  it('KPARTY_RATE_LIMIT_PER_POLICY: requests per minute per policy, all clients together; other policies unaffected', async () => {
    const kparty = await start({ KPARTY_RATE_LIMIT: '0', KPARTY_RATE_LIMIT_PER_POLICY: '3' });
    await withPolicies(kparty, 'busy', 'quiet');
    await untilEarlyInMinute();
    for (let i = 0; i < 3; i += 1) expect((await challenge(kparty, 'busy')).status).toBe(201);
    expectRateLimited(await challenge(kparty, 'busy'));
    expectRateLimited(await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'busy', presentation: 'x.y.z' } }));
    expect((await challenge(kparty, 'quiet')).status).toBe(201);
  });

  it('0 disables the limits', async () => {
    const kparty = await start({ KPARTY_RATE_LIMIT: '0' });
    await withPolicies(kparty, 'portal');
    const replies = await Promise.all(Array.from({ length: 30 }, () => challenge(kparty, 'portal')));
    expect(replies.map((reply) => reply.status)).toStrictEqual(Array.from({ length: 30 }, () => 201));
  });
});

describe('rate limits shared by two processes through Redis', () => {
  let set: ReplicaSet;
  afterAll(async () => {
    await set?.stop();
  });

  it('a client gets KPARTY_RATE_LIMIT requests per minute across both processes, not per process', async () => {
    set = await startReplicaSet(2, { env: { KPARTY_RATE_LIMIT: '6' } });
    const [a, b] = set.replicas as [RunningKparty, RunningKparty];
    // Set-up through the admin API is not counted.
    await withPolicies(a, 'portal');
    await untilEarlyInMinute();
    for (let i = 0; i < 6; i += 1) expect((await challenge(i % 2 === 0 ? a : b, 'portal')).status).toBe(201);
    expectRateLimited(await challenge(a, 'portal'));
    expectRateLimited(await challenge(b, 'portal'));
  });
});

/**
 * Waits, when fewer than 15 s of the current minute are left, for the next
 * one: a test's few counted requests then fall into one fixed window (the
 * limits count per calendar minute).
 */
async function untilEarlyInMinute(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 50));
}
