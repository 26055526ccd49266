import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { openSqliteDatabase } from './database.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { SqliteWriteBatch } from './write-batch.js';

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

  /** Writes rows through a write batch for `ms`, several per event-loop turn; returns the bytes written and the largest WAL file seen. */
  async function steadyLoad(quiesce: boolean, ms: number): Promise<{ written: number; largestWal: number; rows: number; pauses: number; resumes: number }> {
    const path = tempPath();
    const db = openSqliteDatabase(path);
    const writes = new SqliteWriteBatch(db);
    const held = { pauses: 0, resumes: 0 };
    const counted = {
      pause: () => {
        held.pauses += 1;
        writes.pause();
      },
      resume: () => {
        held.resumes += 1;
        writes.resume();
      },
    };
    const checkpointer = WalCheckpointer.start(db, path, undefined, 20, quiesce ? { quiesce: counted, restartFrames: 50 } : {});
    db.exec('CREATE TABLE t (v BLOB)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    let written = 0;
    let largestWal = 0;
    try {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        await Promise.all(Array.from({ length: 4 }, (_, i) => writes.submit(() => insert.run(Buffer.alloc(2048, i)))));
        written += 4 * 2048;
        largestWal = Math.max(largestWal, statSync(`${path}-wal`).size);
      }
    } finally {
      await checkpointer.stop();
    }
    const rows = (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    db.close();
    return { written, largestWal, rows, ...held };
  }

  it('keeps the WAL bounded under steady writes: quiet moments let it start over (without them it only grows)', async () => {
    const bounded = await steadyLoad(true, 1500);
    const unbounded = await steadyLoad(false, 1500);
    // Each quiet moment held the writes and let them go again; none without a worker asking.
    expect(bounded.pauses).toBeGreaterThan(0);
    expect(bounded.resumes).toBe(bounded.pauses);
    expect(unbounded.pauses).toBe(0);
    // Every row is there either way: holding the batch loses nothing.
    expect(bounded.rows * 2048).toBe(bounded.written);
    expect(unbounded.rows * 2048).toBe(unbounded.written);
    // The control: PASSIVE checkpoints alone, under the same load, let the WAL grow with what is written
    // (here by more than was written: each commit appends every page it touched, b-tree pages included)…
    expect(unbounded.largestWal).toBeGreaterThan(unbounded.written / 2);
    // …while quiet moments let it start over (on this machine: 19 MB largest against 282 MB for 90 MB written).
    expect(bounded.largestWal).toBeLessThan(unbounded.largestWal / 4);
  }, 15_000);
});
