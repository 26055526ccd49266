import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';

/**
 * Brings the schema up to date and returns the versions it applied.
 *
 * Runs in one BEGIN IMMEDIATE transaction: the write lock is taken before
 * the applied versions are read, so of several processes opening the same
 * file at once exactly one migrates; the others wait (busy_timeout) and then
 * find nothing left to do. A migration that fails rolls back with all others
 * of this run. A database migrated by newer code (versions above ours) is left
 * as it is.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  assertOrdered(migrations);
  const migrate = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER NOT NULL PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const current = db.prepare<[], number | null>('SELECT max(version) FROM schema_migrations').pluck().get() ?? 0;
    const record = db.prepare<[number, string, number]>('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      migration.check?.(db);
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      applied.push(migration.version);
    }
    return applied;
  });
  return migrate.immediate();
}

function assertOrdered(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const { version, name } of migrations) {
    if (!Number.isSafeInteger(version) || version <= previous) {
      throw new Error(`migration "${name}" has version ${version}; versions must be integers increasing from 1`);
    }
    previous = version;
  }
}
