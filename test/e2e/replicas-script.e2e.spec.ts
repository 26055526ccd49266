import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startReplicas, type StartedReplicas } from '../../scripts/replicas.mjs';
import { connectTestRedis, TEST_DATABASE_URL } from '../support/servers.js';
import { employeePolicy } from './policies.js';

/* scripts/replicas.mjs: what the benchmark and docs/operations.md use to run replicas on one machine. */
describe('scripts/replicas.mjs', () => {
  let set: StartedReplicas | undefined;
  afterAll(async () => {
    await set?.stop();
  });

  it('starts N ready processes sharing one schema and prefix, and removes both on stop', async () => {
    set = await startReplicas({ count: 3 });
    expect(set.processes).toHaveLength(3);
    const policy = employeePolicy('shared');
    const [first, second, third] = set.processes;
    const put = await fetch(`${first!.baseUrl}/v1/admin/policies/shared`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${set.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(policy),
    });
    expect(put.status).toBe(201);
    for (const replica of [second!, third!]) {
      const challenge = await fetch(`${replica.baseUrl}/v1/challenges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"policy":"shared"}',
      });
      expect(challenge.status).toBe(201);
    }

    const schema = new URL(set.databaseUrl).searchParams.get('schema');
    const prefix = set.redisPrefix;
    expect(schema).toMatch(/^kparty_replicas_[0-9a-f]{12}$/);
    const redis = await connectTestRedis();
    try {
      expect((await redis.keys(`${prefix}*`)).length).toBeGreaterThan(0);
      await set.stop();
      set = undefined;
      expect(await redis.keys(`${prefix}*`)).toStrictEqual([]);
    } finally {
      redis.disconnect();
    }
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      expect((await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])).rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });
});
