/**
 * The real PostgreSQL and Redis servers tests run against (docs/architecture.md "Toolchain facts": on every
 * developer and CI machine; `.ci/run` starts them when they are down). A test
 * that needs one FAILS with a message saying so when it is unreachable — it
 * never skips.
 *
 * Isolation: every user of PostgreSQL gets a fresh schema
 * (`kparty_test_<random>`, dropped afterwards); every user of Redis a fresh key
 * prefix (`kparty-test:<random>:`, its keys deleted afterwards). Nothing else
 * on the servers is touched, so test files run in parallel with each other and
 * with other projects' tests.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createRedisClient } from '../../src/storage/redis/client.js';
import { RedisPorts } from '../../src/storage/redis/redis-ports.js';

/** Override with KPARTY_TEST_DATABASE_URL; the default is the machine's server (trust auth, database `test`). */
export const TEST_DATABASE_URL = process.env.KPARTY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Override with KPARTY_TEST_REDIS_URL. */
export const TEST_REDIS_URL = process.env.KPARTY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const randomSuffix = (): string => randomBytes(6).toString('hex');

export interface TestSchema {
  name: string;
  /** TEST_DATABASE_URL naming this schema (`?schema=`), as kparty's DATABASE_URL. */
  databaseUrl: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL for tests is not reachable at ${TEST_DATABASE_URL} (${String(error)}). Start it — .ci/run does — or set KPARTY_TEST_DATABASE_URL.`,
      { cause: error },
    );
  }
  return client;
}

/** Creates an empty schema `kparty_test_<random>` on the test server. */
export async function createTestSchema(): Promise<TestSchema> {
  const name = `kparty_test_${randomSuffix()}`;
  const client = await adminClient();
  try {
    await client.query(`CREATE SCHEMA ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('schema', name);
  return {
    name,
    databaseUrl: url.toString(),
    drop: async () => {
      const dropper = await adminClient();
      try {
        await dropper.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** A fresh key prefix for one test or test run. */
export function testRedisPrefix(): string {
  return `kparty-test:${randomSuffix()}:`;
}

/** A connection to the test Redis, verified with PING; fails with a clear message when Redis is down. */
export async function connectTestRedis(url: string = TEST_REDIS_URL): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis for tests is not reachable at ${url} (${String(error)}). Start it — .ci/run does — or set KPARTY_TEST_REDIS_URL.`, {
      cause: error,
    });
  }
  return redis;
}

/** Deletes every key under `prefix` (after a test); returns how many. */
export async function deleteRedisKeys(prefix: string, url: string = TEST_REDIS_URL): Promise<number> {
  const redis = await connectTestRedis(url);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * kparty's Redis ports under `prefix`, connected (or failed) before they are
 * returned. The production client connects in the background and fails
 * commands fast until it is ready; a test wants the connection first, and a
 * clear failure naming the URL when Redis is not there.
 */
export async function openRedisTestPorts(url: string, prefix: string, timeoutMs = 3000): Promise<RedisPorts> {
  // A clear, fast failure when nothing answers (the production client would keep retrying).
  (await connectTestRedis(url)).disconnect();
  const redis = createRedisClient(url);
  try {
    await new Promise<void>((resolve, reject) => {
      if (redis.status === 'ready') return resolve();
      const timer = setTimeout(
        () =>
          reject(new Error(`Redis for tests at ${url} did not become ready within ${timeoutMs} ms. Start it — .ci/run does — or set KPARTY_TEST_REDIS_URL.`)),
        timeoutMs,
      );
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return new RedisPorts(redis, prefix);
}

/** A loopback port nothing listens on (it was free a moment ago): connecting to it is refused. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
