/**
 * Atomic rotation across processes' worth of connections (docs/sessions.md):
 * two PostgreSQL pools and two Redis connections — what two replicas hold —
 * race to rotate one live refresh token; exactly one wins every round.
 * (Two kparty processes on one SQLite file race in test/e2e/refresh-tokens.e2e.spec.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestSchema,
  deleteRedisKeys,
  openRedisTestPorts,
  testRedisPrefix,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  type TestSchema,
} from '../../test/support/servers.js';
import type { SessionFamilyStore } from '../core/ports/session-family-store.js';
import { sessionFamily } from './contract/session-family-store.contract.js';
import { T0 } from './contract/fixtures.js';
import { openPostgresStorage } from './postgres/index.js';
import type { RedisPorts } from './redis/redis-ports.js';

async function raceRounds(a: SessionFamilyStore, b: SessionFamilyStore): Promise<void> {
  await a.create(sessionFamily('race', { currentTokenHash: 'h-0' }));
  let live = 'h-0';
  for (let round = 1; round <= 10; round += 1) {
    const attempts = [a, b, a, b, a, b].map((store, i) =>
      store.rotate('race', {
        expectedHash: live,
        nextHash: `h-${round}-${i}`,
        sealedClaims: 's',
        idleExpiresAt: T0 + 3_600_000,
        accessToken: { jti: `j-${round}-${i}`, expiresAt: T0 + 300_000 },
        now: T0 + round,
      }),
    );
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toHaveLength(1);
    live = `h-${round}-${results.indexOf(true)}`;
    expect((await b.findByTokenHash(live))?.family.generation).toBe(round);
    expect((await a.findByTokenHash(live))?.rotatedAt).toBeUndefined();
  }
}

describe('session family rotation races across connections', () => {
  let schema: TestSchema;
  let prefix: string;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    schema = await createTestSchema();
    prefix = testRedisPrefix();
  });

  afterAll(async () => {
    for (const close of closers) await close();
    await schema.drop();
    await deleteRedisKeys(prefix);
  });

  it('two PostgreSQL pools: exactly one rotation wins each round', async () => {
    const first = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name });
    const second = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name });
    closers.push(
      () => first.close(),
      () => second.close(),
    );
    await raceRounds(first.sessionFamilies, second.sessionFamilies);
  });

  it('two Redis connections: exactly one rotation wins each round', async () => {
    const first: RedisPorts = await openRedisTestPorts(TEST_REDIS_URL, prefix);
    const second: RedisPorts = await openRedisTestPorts(TEST_REDIS_URL, prefix);
    closers.push(
      () => first.close(),
      () => second.close(),
    );
    await raceRounds(first.sessionFamilies, second.sessionFamilies);
  });
});
