import type { Database, Transaction } from 'better-sqlite3';

interface PendingWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the hot-path writes of one SQLite connection: every write
 * submitted during one turn of the event loop (concurrent verifications
 * consuming their challenges and recording their audit events, challenges
 * being issued) runs in ONE transaction at the end of the turn, and each
 * caller's promise settles only after that transaction has committed — so
 * nothing is answered before its write is in the database, as before.
 *
 * Why: in WAL mode every commit appends each page it touched to the WAL and
 * takes and releases the file locks (system calls); a verification made two
 * such commits (challenge consumed, audit event), the costliest SQLite work
 * of a request in the server profile (docs/benchmarks.md, section 4). Eight
 * writes in one transaction cost about a tenth of eight transactions.
 *
 * Semantics are those of running the writes one by one: SQLite's write lock
 * serialises the transaction against every other connection, and within it
 * the writes run in submission order (a challenge deleted by one is gone
 * for the next). If the transaction fails — one write violates a constraint,
 * the lock cannot be had within busy_timeout — nothing of it is kept, and
 * each write is retried in its own transaction, so only the write at fault
 * fails (and a storage error still fails each caller closed).
 */
export class SqliteWriteBatch {
  readonly #pending: PendingWrite[] = [];
  readonly #runAll: Transaction<(writes: PendingWrite[]) => unknown[]>;
  #scheduled = false;
  #paused = false;

  constructor(db: Database) {
    this.#runAll = db.transaction((writes: PendingWrite[]) => writes.map((write) => write.run()));
  }

  /** Runs `write` (synchronous better-sqlite3 statements) in the turn's transaction; resolves with its result once committed. */
  submit<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ run: write, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /**
   * Holds the commits back (writes queue in memory, nobody is answered) until
   * {@link resume}: the checkpoint worker asks for this moment without writers
   * so that its checkpoint reaches the end of the WAL and the next commit can
   * start the WAL file over (wal-checkpointer.ts). The event loop never blocks.
   */
  pause(): void {
    this.#paused = true;
  }

  /** Ends a {@link pause}: what queued meanwhile is committed at the end of this turn. */
  resume(): void {
    this.#paused = false;
    if (this.#pending.length > 0) this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#paused) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#paused) this.flush();
    });
  }

  /** Commits what is pending now (the end-of-turn callback; also before the connection closes, paused or not). */
  flush(): void {
    const batch = this.#pending.splice(0);
    if (batch.length === 0) return;
    if (batch.length > 1) {
      let results: unknown[] | undefined;
      try {
        results = this.#runAll(batch);
      } catch {
        // Rolled back as a whole: retried one by one below, so only the write at fault fails.
      }
      if (results !== undefined) {
        for (const [index, write] of batch.entries()) write.resolve(results[index]);
        return;
      }
    }
    for (const write of batch) {
      try {
        write.resolve(write.run());
      } catch (error) {
        write.reject(error);
      }
    }
  }
}
