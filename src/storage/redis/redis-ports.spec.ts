import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/private-redis.js';
import { connectTestRedis, deleteRedisKeys, freeLoopbackPort, openRedisTestPorts, testRedisPrefix, TEST_REDIS_URL } from '../../../test/support/servers.js';
import type { Challenge } from '../../core/model/challenge.js';
import { createRedisClient } from './client.js';
import { CHALLENGE_KEY_MARGIN_MS } from './redis-nonce-store.js';
import { DENYLIST_KEY_MARGIN_MS } from './redis-session-denylist.js';
import { RedisPorts } from './redis-ports.js';

const T0 = Date.UTC(2025, 0, 1);
const challenge = (nonce: string, lifetimeMs = 300_000): Challenge => ({
  nonce,
  policyId: 'employee-portal',
  domain: 'https://orders.example.com',
  createdAt: T0,
  expiresAt: T0 + lifetimeMs,
});

describe('Redis ports on the shared test server', () => {
  let prefix: string;
  let ports: RedisPorts;
  let replica: RedisPorts;
  let raw: Redis;

  beforeEach(async () => {
    prefix = testRedisPrefix();
    ports = await openRedisTestPorts(TEST_REDIS_URL, prefix);
    // A second connection: what another replica holds.
    replica = await openRedisTestPorts(TEST_REDIS_URL, prefix);
    raw = await connectTestRedis();
  });
  afterEach(async () => {
    await ports.close();
    await replica.close();
    raw.disconnect();
    await deleteRedisKeys(prefix);
  });

  it('keeps every key under the prefix, with a TTL of the lifetime plus the margin', async () => {
    await ports.challenges.issue(challenge('n1', 30_000));
    await ports.sessionDenylist.revoke('jti-1', Date.now() + 20_000);
    await ports.rateLimiter.hit('client:ip:192.0.2.1', 5, 60_000, Date.now());
    await ports.sharedCache.set('did:web:example.com', { value: 'doc', freshUntil: Date.now() + 5000, staleUntil: Date.now() + 10_000 });
    const keys = (await raw.keys(`${prefix}*`)).map((key) => key.slice(prefix.length)).sort();
    expect(keys).toStrictEqual([
      'cache:did:web:example.com',
      'challenge:n1',
      'challenges:expiry',
      expect.stringMatching(/^rate:client:ip:192\.0\.2\.1:\d+$/),
      'revoked:expiry',
      'revoked:jti-1',
    ]);
    const ttl = async (key: string): Promise<number> => raw.pttl(`${prefix}${key}`);
    expect(await ttl('challenge:n1')).toBeGreaterThan(30_000 + CHALLENGE_KEY_MARGIN_MS - 5000);
    expect(await ttl('challenge:n1')).toBeLessThanOrEqual(30_000 + CHALLENGE_KEY_MARGIN_MS);
    expect(await ttl('revoked:jti-1')).toBeLessThanOrEqual(20_000 + DENYLIST_KEY_MARGIN_MS);
    expect(await ttl('revoked:jti-1')).toBeGreaterThan(20_000 + DENYLIST_KEY_MARGIN_MS - 5000);
    expect(await ttl('cache:did:web:example.com')).toBeLessThanOrEqual(10_000);
    expect(await ttl(keys[3]!)).toBeLessThanOrEqual(65_000);
  });

  it('consume removes the challenge from the expiry index too; purge clears the index of expired entries', async () => {
    await ports.challenges.issue(challenge('a'));
    await ports.challenges.issue(challenge('b', 1000));
    expect(await raw.zcard(`${prefix}challenges:expiry`)).toBe(2);
    await ports.challenges.consume('a', T0);
    expect(await raw.zrange(`${prefix}challenges:expiry`, '0', '-1')).toStrictEqual(['b']);
    await expect(ports.challenges.purgeExpired(T0 + 1000)).resolves.toBe(1);
    expect(await raw.exists(`${prefix}challenges:expiry`, `${prefix}challenge:b`)).toBe(0);
  });

  it('purges in batches: 1,200 expired challenges are all purged and counted', async () => {
    await Promise.all(Array.from({ length: 1200 }, (_, i) => ports.challenges.issue(challenge(`bulk-${i}`, 1000 + i))));
    await ports.challenges.issue(challenge('kept', 600_000));
    await expect(ports.challenges.purgeExpired(T0 + 5000)).resolves.toBe(1200);
    await expect(ports.challenges.consume('kept', T0)).resolves.toStrictEqual(challenge('kept', 600_000));
  });

  it('a challenge raced by two replicas (two connections) is consumed exactly once, 200 times over', async () => {
    const winners: number[] = [];
    for (let round = 0; round < 200; round += 1) {
      const issued = challenge(randomBytes(16).toString('base64url'));
      await ports.challenges.issue(issued);
      const results = await Promise.all([ports.challenges.consume(issued.nonce, T0), replica.challenges.consume(issued.nonce, T0)]);
      for (const result of results) if (result) expect(result).toStrictEqual(issued);
      winners.push(results.filter(Boolean).length);
    }
    expect(winners.filter((count) => count !== 1)).toStrictEqual([]);
  });

  // Control: the same two connections with a read-then-delete (GET, then DEL) do both read the
  // value in some rounds — so the test above would catch a consume that was not atomic.
  it('control: a non-atomic GET-then-DEL over the same two connections double-consumes', async () => {
    const other = await connectTestRedis();
    try {
      let doubles = 0;
      for (let round = 0; round < 50; round += 1) {
        const key = `${prefix}control:${round}`;
        await raw.set(key, 'value');
        const readThenDelete = async (client: Redis): Promise<string | null> => {
          const value = await client.get(key);
          await client.del(key);
          return value;
        };
        const results = await Promise.all([readThenDelete(raw), readThenDelete(other)]);
        if (results.every((value) => value === 'value')) doubles += 1;
      }
      expect(doubles).toBeGreaterThan(0);
    } finally {
      other.disconnect();
    }
  });

  it('a revocation through one replica is seen by the next check of the other', async () => {
    await ports.sessionDenylist.revoke('jti-x', T0 + 60_000);
    await expect(replica.sessionDenylist.isRevoked('jti-x', T0)).resolves.toBe(true);
  });

  it('rate-limit counters are shared: hits through both replicas count against one limit', async () => {
    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? ports : replica).rateLimiter.hit('client:ip:198.51.100.7', 6, 60_000, T0)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(6);
  });
});

describe('Redis ports when Redis is away', () => {
  let server: PrivateRedis;
  beforeAll(async () => {
    server = await startPrivateRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('fail fast on a closed port: no command waits for a connection', async () => {
    const port = await freeLoopbackPort();
    const ports = new RedisPorts(createRedisClient(`redis://127.0.0.1:${port}`), 'kparty:');
    try {
      const started = Date.now();
      await expect(ports.challenges.issue(challenge('n'))).rejects.toThrow();
      await expect(ports.ping()).rejects.toThrow();
      await expect(ports.rateLimiter.hit('k', 1, 60_000, T0)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await ports.close();
    }
  });

  it('commands fail while the server is down and work again once it is back, on the same client', async () => {
    const ports = await openRedisTestPorts(server.url, 'kparty:');
    try {
      await ports.challenges.issue(challenge('before'));
      await server.stop();
      const started = Date.now();
      await expect(ports.challenges.consume('before', T0)).rejects.toThrow();
      await expect(ports.ping()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(REDIS_FAIL_FAST_MS);
      await server.start();
      const deadline = Date.now() + 5000;
      while (
        !(await ports.ping().then(
          () => true,
          () => false,
        ))
      ) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The restarted server has no data (no persistence) and no scripts loaded (EVALSHA falls back to EVAL).
      await expect(ports.challenges.consume('before', T0)).resolves.toBeNull();
      await ports.challenges.issue(challenge('after'));
      await expect(ports.challenges.consume('after', T0)).resolves.toStrictEqual(challenge('after'));
    } finally {
      await ports.close();
    }
  });
});

/** A command against a stopped server must fail well within a request's patience. */
const REDIS_FAIL_FAST_MS = 2500;
