import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { openSqliteDatabase } from './database.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kparty-wal-'));
  dirs.push(dir);
  return join(dir, 'kparty.db');
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('WalCheckpointer', () => {
  it("turns the serving connection's auto-checkpoint off and checkpoints from a worker thread", async () => {
    const path = tempPath();
    const db = openSqliteDatabase(path);
    const checkpointer = WalCheckpointer.start(db, path, undefined, 50);
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      db.exec('CREATE TABLE t (v BLOB)');
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      for (let i = 0; i < 300; i++) insert.run(Buffer.alloc(8192, i));
      // The worker's PASSIVE checkpoint copies the WAL into the database file: the file grows to hold the rows.
      await until(() => statSync(path).size > 300 * 8192);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('gives the serving connection its auto-checkpoint back when the worker dies', async () => {
    const path = tempPath();
    const db = openSqliteDatabase(path);
    const checkpointer = WalCheckpointer.start(db, `${path}-missing-folder/nothing.db`, undefined, 50);
    try {
      // The worker cannot open its file and exits with an error.
      await until(() => db.pragma('wal_autocheckpoint', { simple: true }) === 1000);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('stopping does not count as dying', async () => {
    const path = tempPath();
    const db = openSqliteDatabase(path);
    const checkpointer = WalCheckpointer.start(db, path, undefined, 50);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    db.close();
  });
});
