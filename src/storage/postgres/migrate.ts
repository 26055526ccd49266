import type { Pool } from 'pg';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from './migrations.js';

/**
 * Brings the schema up to date and returns the versions it applied.
 *
 * One transaction under a transaction-scoped advisory lock keyed by the
 * schema name: of several replicas starting at once exactly one migrates,
 * the others wait for its commit and then find nothing left to do.
 * PostgreSQL's DDL is transactional, so a failing migration rolls back with
 * every other of the run. A database migrated by newer code (versions above
 * ours) is left as it is.
 *
 * `schema`, when given, is created if missing (inside the lock: two
 * concurrent `CREATE SCHEMA IF NOT EXISTS` can otherwise collide); the pool's
 * connections must have it as their search_path.
 */
export async function applyPostgresMigrations(
  pool: Pool,
  schema: string | undefined,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<number[]> {
  assertOrdered(migrations);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const target = schema ?? (await client.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema;
      if (!target) throw new Error('PostgreSQL has no schema to create tables in: set ?schema= in DATABASE_URL');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kparty.migrate:${target}`]);
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at bigint NOT NULL
      )`);
      const current = (await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')).rows[0]?.version ?? 0;
      const applied: number[] = [];
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        await migration.check?.(client);
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
        applied.push(migration.version);
      }
      await client.query('COMMIT');
      return applied;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

/** A schema name as SQL; config.ts admits only `[a-z_][a-z0-9_]*`, quoted anyway. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function assertOrdered(migrations: readonly PostgresMigration[]): void {
  let previous = 0;
  for (const { version, name } of migrations) {
    if (!Number.isSafeInteger(version) || version <= previous) {
      throw new Error(`migration "${name}" has version ${version}; versions must be integers increasing from 1`);
    }
    previous = version;
  }
}
