import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteDatabase } from './database.js';
import { openSqliteStorage, SqliteStorage } from './sqlite-storage.js';

const T0 = Date.UTC(2025, 0, 1);
const challenge = { nonce: 'n1', policyId: 'p', domain: 'https://rp.example.com', createdAt: T0, expiresAt: T0 + 60_000 };

describe('SqliteStorage', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kparty-sqlite-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("is of kind 'sqlite' and works on ':memory:'", async () => {
    const storage = openSqliteStorage(':memory:');
    expect(storage.kind).toBe('sqlite');
    await storage.challenges.issue(challenge);
    await expect(storage.challenges.consume('n1', T0)).resolves.toStrictEqual(challenge);
    await storage.close();
  });

  it('keeps state across close and reopen of the same file', async () => {
    const path = join(dir, 'kparty.db');
    const first = openSqliteStorage(path);
    await first.challenges.issue(challenge);
    await first.settings.setIfAbsent('s', 'v');
    await first.close();
    const second = openSqliteStorage(path);
    await expect(second.challenges.consume('n1', T0)).resolves.toStrictEqual(challenge);
    await expect(second.settings.get('s')).resolves.toBe('v');
    await second.close();
  });

  it("passes better-sqlite3's errors through unchanged", async () => {
    const storage = openSqliteStorage(':memory:');
    await storage.challenges.issue(challenge);
    await expect(storage.challenges.issue(challenge)).rejects.toMatchObject({ name: 'SqliteError', code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    await storage.close();
    await expect(storage.challenges.consume('n1', T0)).rejects.toMatchObject({
      name: 'TypeError',
      message: 'The database connection is not open',
    });
  });

  it('fails with SQLITE_BUSY once the busy timeout passes while another process holds the write lock', async () => {
    const path = join(dir, 'kparty.db');
    const db = openSqliteDatabase(path);
    db.pragma('busy_timeout = 50'); // the real 5 s would only slow the test down
    const storage = new SqliteStorage(db);
    await storage.challenges.issue(challenge);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(storage.challenges.consume('n1', T0)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      await expect(storage.policies.put({ id: 'p', audience: 'a', credentials: [] }, 'rp', T0)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The failed consume took nothing: the challenge is still there.
    await expect(storage.challenges.consume('n1', T0)).resolves.toStrictEqual(challenge);
    await storage.close();
  });
});
