import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestSchema, freeLoopbackPort, TEST_DATABASE_URL, type TestSchema } from '../../../test/support/servers.js';
import { openPostgresStorage, type PostgresStorage } from './postgres-storage.js';

const T0 = Date.UTC(2025, 0, 1);
const challenge = { nonce: 'n1', policyId: 'p', domain: 'https://rp.example.com', createdAt: T0, expiresAt: T0 + 60_000 };

describe('PostgresStorage', () => {
  let schema: TestSchema;
  let storage: PostgresStorage | undefined;
  beforeEach(async () => {
    schema = await createTestSchema();
  });
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
    await schema.drop();
  });

  it("is of kind 'postgres' and keeps its tables in the configured schema", async () => {
    storage = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name });
    expect(storage.kind).toBe('postgres');
    await storage.challenges.issue(challenge);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query(`SELECT nonce FROM ${schema.name}.challenges`);
      expect(rows).toStrictEqual([{ nonce: 'n1' }]);
    } finally {
      await admin.end();
    }
  });

  it('passes pg errors through unchanged (constraint violations keep their SQLSTATE)', async () => {
    storage = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name });
    await storage.challenges.issue(challenge);
    await expect(storage.challenges.issue(challenge)).rejects.toMatchObject({ code: '23505' });
  });

  // The server dropping every connection (restart, failover, an operator's pg_terminate_backend):
  // queries fail while it happens and work again afterwards, without reopening anything.
  it('recovers by itself after the server terminates all of its connections', async () => {
    const applicationName = `kparty-test-${schema.name}`;
    storage = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name, applicationName });
    await storage.challenges.issue(challenge);
    await Promise.all(Array.from({ length: 5 }, () => storage!.ping()));
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      // Only this storage's connections: other tests share the server.
      const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      expect(rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // A query handed a terminated connection fails (and the pool discards that connection); within
    // as many attempts as the pool had connections, one gets a fresh connection and succeeds.
    let failures = 0;
    while (
      !(await storage.ping().then(
        () => true,
        () => false,
      ))
    ) {
      failures += 1;
      expect(failures).toBeLessThanOrEqual(10);
    }
    await expect(storage.challenges.consume('n1', T0)).resolves.toStrictEqual(challenge);
  });

  it('fails to open with a message naming DATABASE_URL, the password hidden, when the server is not there', async () => {
    const port = await freeLoopbackPort();
    const url = `postgres://kparty:s3cret-password@127.0.0.1:${port}/kparty`;
    const failure = openPostgresStorage({ url, connectTimeoutMs: 1000 });
    await expect(failure).rejects.toThrow(`cannot open PostgreSQL at DATABASE_URL postgres://kparty:***@127.0.0.1:${port}/kparty: `);
    await expect(failure).rejects.toHaveProperty('message', expect.not.stringContaining('s3cret'));
    await expect(failure).rejects.toHaveProperty('message', expect.stringContaining('ECONNREFUSED'));
  });

  it('ping rejects once closed, and close may be called twice', async () => {
    storage = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name });
    await storage.close();
    await expect(storage.ping()).rejects.toThrow('closed');
    await expect(storage.close()).resolves.toBeUndefined();
  });
});
