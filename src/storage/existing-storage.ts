import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KpartyConfig } from '../core/config.js';
import { createPostgresPool, redactedUrl } from './postgres/index.js';

/** The database DATABASE_URL names does not exist (or holds no kparty tables); the message is one line naming it. */
export class StorageMissingError extends Error {
  override readonly name = 'StorageMissingError';
}

/** Where DATABASE_URL points, in words, without a password. */
export function describeDatabase(config: Pick<KpartyConfig, 'database'>): string {
  const { database } = config;
  if (database.kind === 'sqlite') return `SQLite file ${resolve(database.path)}`;
  return `PostgreSQL ${redactedUrl(database.url)}${database.schema ? ` schema ${database.schema}` : ''}`;
}

/**
 * Refuses, before anything is opened (opening would create and migrate), when
 * the database is not there: the command-line tools work on the service's
 * database and must never make a new empty one in the current folder.
 */
export async function requireExistingStorage(config: Pick<KpartyConfig, 'database'>): Promise<void> {
  const { database } = config;
  const hint = 'set DATABASE_URL to the database the service uses (start the service once to create it)';
  if (database.kind === 'sqlite') {
    if (database.path === ':memory:' || !existsSync(database.path)) {
      throw new StorageMissingError(`no kparty database: ${describeDatabase(config)} does not exist; ${hint}`);
    }
    return;
  }
  const pool = createPostgresPool({ url: database.url, schema: database.schema, maxConnections: 1 });
  try {
    const { rows } = await pool.query<{ table: string | null }>('SELECT to_regclass($1) AS table', [
      database.schema ? `${database.schema}.settings` : 'settings',
    ]);
    if (rows[0]?.table == null) throw new StorageMissingError(`no kparty database: ${describeDatabase(config)} has no kparty tables; ${hint}`);
  } catch (error) {
    if (error instanceof StorageMissingError) throw error;
    throw new StorageMissingError(`cannot open ${describeDatabase(config)}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await pool.end();
  }
}
