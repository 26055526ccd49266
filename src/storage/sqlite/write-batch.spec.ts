import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteWriteBatch } from './write-batch.js';

describe('SqliteWriteBatch', () => {
  let dir: string;
  let path: string;
  let db: Database.Database;
  let other: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kparty-write-batch-'));
    path = join(dir, 'db.sqlite');
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
    other = new Database(path);
  });

  afterEach(() => {
    other.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one event-loop turn in one transaction, in submission order, before any caller hears back', async () => {
    const batch = new SqliteWriteBatch(db);
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const take = db.prepare('DELETE FROM t WHERE k = ? RETURNING v');
    const inTransaction: boolean[] = [];
    const seenByOtherConnection: number[] = [];
    const write = <T>(run: () => T) =>
      batch.submit(() => {
        inTransaction.push(db.inTransaction);
        return run();
      });
    const results = await Promise.all([
      write(() => insert.run('a', 1).changes),
      write(() => take.get('a')),
      write(() => take.get('a')),
      write(() => insert.run('b', 2).changes).then((changes) => {
        seenByOtherConnection.push((other.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n);
        return changes;
      }),
    ]);
    expect(inTransaction).toEqual([true, true, true, true]);
    expect(results).toEqual([1, { v: 1 }, undefined, 1]);
    // Committed before the promise settled: another connection sees the row.
    expect(seenByOtherConnection).toEqual([1]);
  });

  it('runs a lone write in its own implicit transaction', async () => {
    const batch = new SqliteWriteBatch(db);
    let inTransaction: boolean | undefined;
    await batch.submit(() => {
      inTransaction = db.inTransaction;
      return db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('a', 1);
    });
    expect(inTransaction).toBe(false);
    expect(other.prepare('SELECT v FROM t WHERE k = ?').get('a')).toEqual({ v: 1 });
  });

  it('fails only the write at fault when the batch transaction fails; the others are committed', async () => {
    const batch = new SqliteWriteBatch(db);
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    insert.run('taken', 0);
    const outcomes = await Promise.allSettled([
      batch.submit(() => insert.run('a', 1).changes),
      batch.submit(() => insert.run('taken', 2).changes),
      batch.submit(() => insert.run('b', 3).changes),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(other.prepare('SELECT k, v FROM t ORDER BY k').all()).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 3 },
      { k: 'taken', v: 0 },
    ]);
  });

  it('rejects every caller when the database is closed (fails closed, loses no promise)', async () => {
    const batch = new SqliteWriteBatch(db);
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const pending = [batch.submit(() => insert.run('a', 1)), batch.submit(() => insert.run('b', 2))];
    db.close();
    const outcomes = await Promise.allSettled(pending);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    db = new Database(path);
  });

  it('flush() commits what is pending at once (before the connection closes)', async () => {
    const batch = new SqliteWriteBatch(db);
    const written = batch.submit(() => db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('a', 1).changes);
    batch.flush();
    expect(other.prepare('SELECT v FROM t WHERE k = ?').get('a')).toEqual({ v: 1 });
    await expect(written).resolves.toBe(1);
  });

  it("pause() holds commits back, nobody answered, until resume() (the checkpoint worker's quiet moment)", async () => {
    const batch = new SqliteWriteBatch(db);
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    batch.pause();
    let answered = false;
    const written = batch
      .submit(() => insert.run('a', 1).changes)
      .then((changes) => {
        answered = true;
        return changes;
      });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(answered).toBe(false);
    expect(other.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
    batch.resume();
    await expect(written).resolves.toBe(1);
    expect(other.prepare('SELECT v FROM t WHERE k = ?').get('a')).toEqual({ v: 1 });
  });
});
