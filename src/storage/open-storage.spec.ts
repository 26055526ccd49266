import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSchema, deleteRedisKeys, freeLoopbackPort, testRedisPrefix, TEST_REDIS_URL } from '../../test/support/servers.js';
import { loadConfig } from '../core/config.js';
import type { Storage } from '../core/ports/storage.js';
import { openStorage } from './open-storage.js';

const T0 = Date.UTC(2025, 0, 1);
const challenge = { nonce: 'n1', policyId: 'p', domain: 'https://rp.example.com', createdAt: T0, expiresAt: T0 + 60_000 };

describe('openStorage', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const tempSqliteUrl = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'kparty-open-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return `sqlite:${join(dir, 'kparty.db')}`;
  };
  const opened = async (env: Record<string, string>): Promise<Storage> => {
    const storage = await openStorage(loadConfig(env));
    cleanups.push(() => storage.close());
    return storage;
  };

  it('sqlite: everything in the file', async () => {
    const storage = await opened({ DATABASE_URL: tempSqliteUrl() });
    expect(storage.kind).toBe('sqlite');
    expect(storage.rateLimiter).toBeUndefined();
    expect(storage.sharedCache).toBeUndefined();
  });

  it('postgres with ?schema=: migrated into that schema', async () => {
    const schema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const storage = await opened({ DATABASE_URL: schema.databaseUrl });
    expect(storage.kind).toBe('postgres');
    await expect(storage.ping()).resolves.toBeUndefined();
    await storage.challenges.issue(challenge);
  });

  it('postgres + REDIS_URL: challenges, denylist, cache and rate limits in Redis under KPARTY_REDIS_PREFIX', async () => {
    const schema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const prefix = testRedisPrefix();
    cleanups.push(() => deleteRedisKeys(prefix));
    const storage = await opened({ DATABASE_URL: schema.databaseUrl, REDIS_URL: TEST_REDIS_URL, KPARTY_REDIS_PREFIX: prefix });
    expect(storage.kind).toBe('postgres+redis');
    expect(storage.rateLimiter).toBeDefined();
    expect(storage.sharedCache).toBeDefined();
    await waitUntilReady(storage);
    await storage.challenges.issue(challenge);
    await expect(deleteRedisKeys(`${prefix}challenge:`)).resolves.toBe(1);
  });

  it('sqlite + REDIS_URL is valid too (processes on one machine sharing the file)', async () => {
    const prefix = testRedisPrefix();
    cleanups.push(() => deleteRedisKeys(prefix));
    const storage = await opened({ DATABASE_URL: tempSqliteUrl(), REDIS_URL: TEST_REDIS_URL, KPARTY_REDIS_PREFIX: prefix });
    expect(storage.kind).toBe('sqlite+redis');
    await waitUntilReady(storage);
  });

  it('PostgreSQL unreachable: rejects with one line naming DATABASE_URL', async () => {
    const port = await freeLoopbackPort();
    await expect(openStorage(loadConfig({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test` }))).rejects.toThrow(
      new RegExp(`^cannot open PostgreSQL at DATABASE_URL postgres://postgres@127\\.0\\.0\\.1:${port}/test: .*ECONNREFUSED[^\\n]*$`),
    );
  });

  it('Redis unreachable: opens all the same, and ping fails until Redis answers', async () => {
    const port = await freeLoopbackPort();
    const storage = await opened({ DATABASE_URL: tempSqliteUrl(), REDIS_URL: `redis://127.0.0.1:${port}` });
    await expect(storage.ping()).rejects.toThrow();
    await expect(storage.policies.list()).resolves.toStrictEqual([]);
  });
});

/** The Redis client connects in the background; wait for it (at most 3 s). */
async function waitUntilReady(storage: Storage): Promise<void> {
  const deadline = Date.now() + 3000;
  while (
    !(await storage.ping().then(
      () => true,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error(`storage ${storage.kind} did not become ready within 3 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
