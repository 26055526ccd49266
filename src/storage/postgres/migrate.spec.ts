import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../../../test/support/servers.js';
import { createPostgresPool } from './connection.js';
import { applyPostgresMigrations } from './migrate.js';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from './migrations.js';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../sqlite/migrations.js';

async function tables(pool: Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name COLLATE "C"',
    [schema],
  );
  return rows.map((row) => row.table_name);
}

async function recorded(pool: Pool): Promise<Array<{ version: number; name: string }>> {
  return (await pool.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
}

describe('applyPostgresMigrations', () => {
  let schema: TestSchema;
  /** A schema name that does not exist yet (the migration creates it); dropped with `schema`. */
  let fresh: string;
  const pools: Pool[] = [];
  const pool = (name: string): Pool => {
    const opened = createPostgresPool({ url: TEST_DATABASE_URL, schema: name });
    pools.push(opened);
    return opened;
  };

  beforeEach(async () => {
    schema = await createTestSchema();
    fresh = `${schema.name}_fresh`;
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    const cleanup = pool(schema.name);
    await cleanup.query(`DROP SCHEMA IF EXISTS ${fresh} CASCADE`);
    await cleanup.end();
    pools.length = 0;
    await schema.drop();
  });

  it('POSTGRES_MIGRATIONS are numbered 1, 2, 3, … with unique names, one per SQLite migration', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => m.version)).toStrictEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
    expect(new Set(POSTGRES_MIGRATIONS.map((m) => m.name)).size).toBe(POSTGRES_MIGRATIONS.length);
    // Both databases hold the same tables: a migration added to one belongs in the other — except
    // PostgreSQL-only machinery that creates no table (the policy-change trigger for replicas' caches).
    const postgresOnly = new Set(['policy_change_notifications']);
    expect(POSTGRES_MIGRATIONS.map((m) => m.name).filter((name) => !postgresOnly.has(name))).toStrictEqual(SQLITE_MIGRATIONS.map((m) => m.name));
  });

  it('creates a missing schema and exactly the tables the ports need, recording every migration', async () => {
    const p = pool(fresh);
    await expect(applyPostgresMigrations(p, fresh)).resolves.toStrictEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    expect(await tables(p, fresh)).toStrictEqual([
      'audit_events',
      'challenges',
      'oid4vp_requests',
      'policies',
      'relying_parties',
      'relying_party_audiences',
      'schema_migrations',
      'session_denylist',
      'session_families',
      'session_refresh_tokens',
      'settings',
      'signing_keys',
    ]);
    expect(await recorded(p)).toStrictEqual(POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })));
  });

  it('is idempotent: a second run applies nothing', async () => {
    const p = pool(schema.name);
    await applyPostgresMigrations(p, schema.name);
    await expect(applyPostgresMigrations(p, schema.name)).resolves.toStrictEqual([]);
    expect(await recorded(p)).toHaveLength(POSTGRES_MIGRATIONS.length);
  });

  it('applies only the migrations newer than the highest recorded version', async () => {
    const p = pool(schema.name);
    const first: PostgresMigration = { version: 1, name: 'one', sql: 'CREATE TABLE one (x integer)' };
    const second: PostgresMigration = { version: 2, name: 'two', sql: 'CREATE TABLE two (x integer)' };
    await expect(applyPostgresMigrations(p, schema.name, [first])).resolves.toStrictEqual([1]);
    await expect(applyPostgresMigrations(p, schema.name, [first, second])).resolves.toStrictEqual([2]);
    expect(await tables(p, schema.name)).toStrictEqual(['one', 'schema_migrations', 'two']);
  });

  it('rolls back the whole run when one migration fails', async () => {
    const p = pool(schema.name);
    const good: PostgresMigration = { version: 1, name: 'good', sql: 'CREATE TABLE good (x integer)' };
    const bad: PostgresMigration = { version: 2, name: 'bad', sql: 'CREATE TABLE broken (' };
    await expect(applyPostgresMigrations(p, schema.name, [good, bad])).rejects.toMatchObject({ code: '42601' });
    expect(await tables(p, schema.name)).toStrictEqual([]);
  });

  it('refuses migrations out of order before touching the database', async () => {
    const p = pool(schema.name);
    const one: PostgresMigration = { version: 1, name: 'one', sql: 'CREATE TABLE one (x integer)' };
    await expect(applyPostgresMigrations(p, schema.name, [{ ...one, version: 2 }, one])).rejects.toThrow('versions must be integers increasing from 1');
    expect(await tables(p, schema.name)).toStrictEqual([]);
  });

  // Replicas starting together onto a fresh database: the advisory lock lets one migrate;
  // the others wait, then find nothing to do. Without it, both would run CREATE TABLE.
  it('eight pools migrating one fresh schema at once all succeed, and it is migrated once', async () => {
    for (let round = 0; round < 3; round += 1) {
      const name = `${fresh}${round}`;
      const racers = Array.from({ length: 8 }, () => pool(name));
      try {
        const applied = await Promise.all(racers.map((p) => applyPostgresMigrations(p, name)));
        expect(applied.filter((versions) => versions.length > 0)).toStrictEqual([POSTGRES_MIGRATIONS.map((m) => m.version)]);
        expect(await recorded(racers[0]!)).toHaveLength(POSTGRES_MIGRATIONS.length);
      } finally {
        await racers[0]!.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      }
    }
  });

  describe('version 6: audiences derived from policies (issue 11)', () => {
    const before = POSTGRES_MIGRATIONS.filter((m) => m.version <= 5);
    const seed = async (p: Pool, rows: Array<[policy: string, owner: string, audience: string]>): Promise<void> => {
      await applyPostgresMigrations(p, schema.name, before);
      for (const owner of new Set(rows.map((r) => r[1]).filter((o) => o !== '@operator'))) {
        await p.query('INSERT INTO relying_parties (id, name, api_key_hash, created_at) VALUES ($1, $1, $2, 0)', [owner, owner.padEnd(64, '0')]);
      }
      for (const [id, owner, audience] of rows) {
        await p.query('INSERT INTO policies (id, owner, body, created_at, updated_at) VALUES ($1, $2, $3, 0, 0)', [
          id,
          owner,
          JSON.stringify({ id, audience }),
        ]);
      }
    };

    it("gives each relying party the audiences of its policies; the operator's stay unowned", async () => {
      const p = pool(schema.name);
      await seed(p, [
        ['a1', 'shop', 'https://shop.example.com'],
        ['a2', 'shop', 'https://shop.example.com'],
        ['b1', 'bank', 'https://bank.example.com'],
        ['o1', '@operator', 'https://ops.example.com'],
      ]);
      await expect(applyPostgresMigrations(p, schema.name)).resolves.toContain(6);
      const { rows } = await p.query('SELECT audience, relying_party_id FROM relying_party_audiences ORDER BY audience');
      expect(rows).toStrictEqual([
        { audience: 'https://bank.example.com', relying_party_id: 'bank' },
        { audience: 'https://shop.example.com', relying_party_id: 'shop' },
      ]);
    });

    it('stops with one line naming both relying parties and the audience when two share it, and changes nothing', async () => {
      const p = pool(schema.name);
      await seed(p, [
        ['a1', 'shop', 'https://api.example.com'],
        ['b1', 'bank', 'https://api.example.com'],
      ]);
      await expect(applyPostgresMigrations(p, schema.name)).rejects.toThrow(
        /^audience "https:\/\/api\.example\.com" is used by policies of relying party "bank" and of relying party "shop"; [^\n]+$/,
      );
      expect((await recorded(p)).map((r) => r.version)).toStrictEqual([1, 2, 3, 4, 5]);
      expect(await tables(p, schema.name)).not.toContain('relying_party_audiences');
    });
  });
});
