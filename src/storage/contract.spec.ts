import { afterEach } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSchema, deleteRedisKeys, openRedisTestPorts, testRedisPrefix, TEST_DATABASE_URL, TEST_REDIS_URL } from '../../test/support/servers.js';
import { MemorySharedCache } from '../cache/memory-shared-cache.js';
import { describeSharedCacheContract, type SharedCacheUnderTest } from '../cache/shared-cache.contract.js';
import type { Storage } from '../core/ports/storage.js';
import { ALL_CONTRACT_PARTS, describeStorageContract, type StorageContractPart } from './contract.js';
import { createMemoryStorage } from './memory/index.js';
import { openPostgresStorage } from './postgres/index.js';
import { openSqliteStorage } from './sqlite/index.js';
import { withRedis } from './with-redis.js';

/** Cleanups of the current test (temporary files, schemas, Redis keys), run after the contract has closed the storage. */
const cleanups: Array<() => Promise<void> | void> = [];

// Runs after the contract's own afterEach has closed the storage.
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A fresh SQLite file per test, under the OS temp folder; removed after the test. */
function openTempSqlite(): Storage {
  const dir = mkdtempSync(join(tmpdir(), 'kparty-contract-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return openSqliteStorage(join(dir, 'kparty.db'));
}

/** A fresh schema per test on the test PostgreSQL server, migrated by the adapter; dropped after the test. */
async function openTempPostgres(): Promise<Storage> {
  const schema = await createTestSchema();
  cleanups.push(() => schema.drop());
  return openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name });
}

/** The same, with policies cached in process and invalidated by LISTEN/NOTIFY (KPARTY_POLICY_CACHE_MAX_AGE). */
async function openTempPostgresWithPolicyCache(): Promise<Storage> {
  const schema = await createTestSchema();
  cleanups.push(() => schema.drop());
  return openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name, policyCacheMaxAgeMs: 60_000 });
}

/**
 * The Redis ports under a fresh key prefix per test, composed over a memory
 * storage exactly as over PostgreSQL in production (withRedis); only the
 * Redis-backed parts of the contract run against it. Keys deleted after the test.
 */
async function openTempRedis(): Promise<Storage> {
  const prefix = testRedisPrefix();
  cleanups.push(async () => void (await deleteRedisKeys(prefix)));
  return withRedis(createMemoryStorage(), await openRedisTestPorts(TEST_REDIS_URL, prefix));
}

async function openTempRedisCache(): Promise<SharedCacheUnderTest> {
  const prefix = testRedisPrefix();
  const ports = await openRedisTestPorts(TEST_REDIS_URL, prefix);
  return {
    cache: ports.sharedCache,
    close: async () => {
      await ports.close();
      await deleteRedisKeys(prefix);
    },
  };
}

/** Every part but the optional ones a database storage leaves to the composition root. */
const DATABASE_PARTS = ALL_CONTRACT_PARTS.filter((part) => part !== 'rateLimiter');
/** What REDIS_URL moves to Redis (the shared cache has its own contract, below). */
const REDIS_PARTS: StorageContractPart[] = ['challenges', 'sessionDenylist', 'rateLimiter', 'oid4vpRequests', 'lifecycle'];

/**
 * Every adapter the contract runs against, on real servers (docs/architecture.md
 * "House rules" 7): PostgreSQL and Redis from test/support/servers.ts — unreachable servers
 * fail these tests, they are never skipped. The SharedCache port has its own
 * contract (src/cache/shared-cache.contract.ts), run here for every adapter
 * that has one.
 */
const adapters: Array<{
  name: string;
  open: () => Promise<Storage> | Storage;
  parts?: readonly StorageContractPart[];
  sharedCache?: () => Promise<SharedCacheUnderTest> | SharedCacheUnderTest;
}> = [
  { name: 'memory', open: createMemoryStorage, sharedCache: () => ({ cache: new MemorySharedCache() }) },
  { name: 'sqlite', open: openTempSqlite, parts: DATABASE_PARTS },
  { name: 'postgres', open: openTempPostgres, parts: DATABASE_PARTS },
  { name: 'postgres (policy cache)', open: openTempPostgresWithPolicyCache, parts: ['policies', 'lifecycle'] },
  { name: 'redis', open: openTempRedis, parts: REDIS_PARTS, sharedCache: openTempRedisCache },
];

for (const { name, open, parts, sharedCache } of adapters) {
  describeStorageContract(name, open, parts);
  if (sharedCache) describeSharedCacheContract(name, sharedCache);
}
