import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../core/logger.js';
import { BUSY_TIMEOUT_MS } from './database.js';

/** How often the worker copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;
/** SQLite's own default: the auto-checkpoint the serving connection falls back to when the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;

/**
 * The worker, as a CommonJS script (`eval`), so it runs the same from
 * src/ under the tests and from dist/: its own better-sqlite3 connection to
 * the same file, a PASSIVE checkpoint every interval (never waits for
 * readers or writers; copies what it can), and a TRUNCATE-free shutdown.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ error: String(error && error.message || error) }); }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.postMessage({ closed: true });
});
`;

/**
 * Moves WAL checkpoints off the event loop.
 *
 * With its default `wal_autocheckpoint`, SQLite checkpoints inside the commit
 * that grows the WAL past 1,000 pages: better-sqlite3 is synchronous, so that
 * commit — and every request waiting behind it on the event loop — pays for
 * copying ~4 MB back into the database file and the fsync that
 * `synchronous = NORMAL` defers to checkpoints: a periodic stall of several
 * milliseconds that lands in the latency tail (docs/benchmarks.md,
 * "profile"). Here the serving connection never checkpoints
 * (`wal_autocheckpoint = 0`); a worker thread with its own connection runs a
 * PASSIVE checkpoint every second, which waits for no one. Should the worker
 * fail, the serving connection gets its auto-checkpoint back, so the WAL never
 * grows without bound.
 */
export class WalCheckpointer {
  #stopping = false;

  private constructor(private readonly worker: Worker) {}

  static start(db: Database, path: string, logger?: Logger, intervalMs = CHECKPOINT_INTERVAL_MS): WalCheckpointer {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, driver, intervalMs, busyTimeoutMs: BUSY_TIMEOUT_MS },
    });
    worker.unref();
    db.pragma('wal_autocheckpoint = 0');
    let checkpointer: WalCheckpointer | undefined = undefined;
    const fallBack = (reason: unknown): void => {
      if ((checkpointer !== undefined && checkpointer.#stopping) || !db.open) return;
      db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
      logger?.warn({ err: reason }, 'the SQLite checkpoint worker stopped; checkpoints run in the serving connection again');
    };
    worker.on('error', fallBack);
    worker.on('exit', (code) => {
      if (code !== 0) fallBack(new Error(`checkpoint worker exited with ${code}`));
    });
    worker.on('message', (message: { error?: string }) => {
      if (message.error) logger?.debug({ error: message.error }, 'an SQLite checkpoint failed; the next one retries');
    });
    checkpointer = new WalCheckpointer(worker);
    return checkpointer;
  }

  /** Stops the worker after one last checkpoint; call before closing the serving connection. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const closed = new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.on('message', (message: { closed?: boolean }) => {
        if (message.closed) void this.worker.terminate();
      });
    });
    this.worker.postMessage('close');
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await this.worker.terminate();
  }
}
