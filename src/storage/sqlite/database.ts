import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations } from './migrate.js';

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating it and its parent folder if needed) and migrates the SQLite
 * database at `path`; `':memory:'` gives a private in-memory database.
 *
 * WAL lets readers go on while one process writes, so several processes on one
 * machine can share the file; busy_timeout makes a writer wait for the lock
 * instead of failing at once. The busy timeout is set first so that migrating
 * waits for a process opening the file at the same time.
 *
 * `synchronous = NORMAL` (https://www.sqlite.org/pragma.html#pragma_synchronous):
 * in WAL mode a commit is then written to the WAL without an fsync, which
 * happens at checkpoints. A crash of the process loses nothing and the file
 * stays consistent whatever happens; a power loss or OS crash can roll back
 * the last commits (challenges consumed, audit events) — the durability Redis
 * gives nonces by default (AOF `everysec`). `FULL` fsyncs every commit with
 * the event loop blocked (better-sqlite3 is synchronous), twice per
 * verification: 0.25–3.5 ms per commit on the benchmark machine depending on
 * other disk traffic, which held a process to a few hundred verifications per
 * second while that traffic lasted (measured for issue 7).
 */
export function openSqliteDatabase(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    enableWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Switches the file to WAL (a persistent setting of the file). SQLite answers
 * SQLITE_BUSY at once, without the busy handler, while another connection is
 * converting the same fresh file — two replicas starting together hit this —
 * so retry here for up to the busy timeout.
 */
function enableWal(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      // Opening is synchronous (better-sqlite3), so wait synchronously too.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
