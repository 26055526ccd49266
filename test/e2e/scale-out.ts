/**
 * kparty processes sharing one PostgreSQL schema and one Redis key prefix —
 * replicas as an operator runs them (test/e2e/harness.ts starts each one).
 */
import { expect } from '@jest/globals';
import { createTestSchema, deleteRedisKeys, testRedisPrefix, TEST_REDIS_URL, type TestSchema } from '../support/servers.js';
import { startKparty, type RunningKparty } from './harness.js';

export interface ReplicaSet {
  replicas: RunningKparty[];
  schema: TestSchema;
  /** KPARTY_REDIS_PREFIX of the set, or undefined without Redis. */
  redisPrefix: string | undefined;
  /** The environment every replica got (DATABASE_URL, REDIS_URL, KPARTY_REDIS_PREFIX, and the caller's). */
  env: Record<string, string | undefined>;
  /** Stops every replica, drops the schema, deletes the Redis keys. */
  stop(): Promise<void>;
}

/** Waits until GET /readyz answers 200 (Redis connects in the background), at most `timeoutMs`. */
export async function waitUntilReady(kparty: RunningKparty, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await kparty.request('GET', '/readyz').catch(() => undefined);
    if (reply?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`kparty at ${kparty.baseUrl} not ready within ${timeoutMs} ms: ${reply?.text}\n${kparty.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts `count` processes at once on a fresh schema (so they race to migrate
 * and to create the first signing key, as replicas deployed together do) and,
 * unless `redis: false`, a fresh Redis prefix on the test Redis.
 */
export async function startReplicaSet(count: number, options: { env?: Record<string, string | undefined>; redis?: boolean } = {}): Promise<ReplicaSet> {
  const schema = await createTestSchema();
  const redisPrefix = options.redis === false ? undefined : testRedisPrefix();
  const env = {
    // One public URL for the whole set (as behind a load balancer): tokens one replica issues name it as `iss`,
    // and every replica accepts only its own issuer. The default (http://localhost:$PORT) differs per process.
    KPARTY_ISSUER: 'https://kparty.example.com',
    DATABASE_URL: schema.databaseUrl,
    ...(redisPrefix ? { REDIS_URL: TEST_REDIS_URL, KPARTY_REDIS_PREFIX: redisPrefix } : {}),
    ...options.env,
  };
  const started = await Promise.allSettled(Array.from({ length: count }, () => startKparty({ env })));
  const replicas = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await schema.drop();
    if (redisPrefix) await deleteRedisKeys(redisPrefix);
  };
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  await Promise.all(replicas.map((replica) => waitUntilReady(replica)));
  return { replicas, schema, redisPrefix, env, stop };
}

/** Creates a relying party through `kparty` (owning `https://<id>.example.com` unless told) and returns its API key. */
export async function createRelyingParty(kparty: RunningKparty, operatorKey: string, id: string, audiences = [`https://${id}.example.com`]): Promise<string> {
  const reply = await kparty.request('POST', '/v1/admin/relying-parties', { key: operatorKey, body: { id, name: id, audiences } });
  expect(reply.status).toBe(201);
  return reply.body.apiKey as string;
}
