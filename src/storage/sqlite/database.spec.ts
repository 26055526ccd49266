import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSY_TIMEOUT_MS, openSqliteDatabase } from './database.js';
import { MIGRATIONS } from './migrations.js';

describe('openSqliteDatabase', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kparty-sqlite-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates missing parent folders and the file', () => {
    const path = join(dir, 'a', 'b', 'kparty.db');
    openSqliteDatabase(path).close();
    expect(existsSync(path)).toBe(true);
  });

  it('sets WAL, synchronous NORMAL, busy_timeout and foreign keys on the connection', () => {
    const db = openSqliteDatabase(join(dir, 'kparty.db'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      // 1 = NORMAL: no fsync per commit in WAL mode (see database.ts).
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
      expect(BUSY_TIMEOUT_MS).toBe(5000);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('opening the same file again keeps the data and migrates nothing twice', () => {
    const path = join(dir, 'kparty.db');
    const first = openSqliteDatabase(path);
    first.prepare("INSERT INTO settings (name, value) VALUES ('kept', 'yes')").run();
    first.close();
    const second = openSqliteDatabase(path);
    try {
      expect(second.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
      expect(second.prepare("SELECT value FROM settings WHERE name = 'kept'").pluck().get()).toBe('yes');
    } finally {
      second.close();
    }
  });

  it("':memory:' gives a migrated private database and creates no file", () => {
    const db = openSqliteDatabase(':memory:');
    try {
      expect(db.memory).toBe(true);
      expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
    expect(existsSync(':memory:')).toBe(false);
  });
});
