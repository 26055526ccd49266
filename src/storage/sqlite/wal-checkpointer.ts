import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../core/logger.js';
import { BUSY_TIMEOUT_MS } from './database.js';

/** How often the worker copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;
/** SQLite's own default: the auto-checkpoint the serving connection falls back to when the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;
/** WAL frames (pages) from which the worker asks for a quiet moment so that the WAL can start over: SQLite's own auto-checkpoint size. */
export const RESTART_WAL_FRAMES = 1000;
/** The WAL file's size kept after it starts over (SQLite's `journal_size_limit`). */
export const JOURNAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;
/** Longest the serving connection's batched writes are held for the worker (should it not answer). */
const QUIET_LIMIT_MS = 1000;

/** What the worker may hold back for a moment: the serving connection's batched writes (write-batch.ts). */
export interface Quiescable {
  pause(): void;
  resume(): void;
}

/**
 * The worker, as a CommonJS script (`eval`), so it runs the same from
 * src/ under the tests and from dist/: its own better-sqlite3 connection to
 * the same file, a PASSIVE checkpoint every interval (never waits for
 * readers or writers; copies what it can), a second one in a quiet moment
 * when the WAL has grown past `restartFrames`, and a TRUNCATE-free shutdown.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
let waitingForQuiet = false;
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)')[0];
const timer = setInterval(() => {
  if (waitingForQuiet) return;
  try {
    const { log } = checkpoint();
    if (workerData.quiesce && log >= workerData.restartFrames) {
      waitingForQuiet = true;
      parentPort.postMessage({ quiet: true });
    }
  } catch (error) { parentPort.postMessage({ error: String(error && error.message || error) }); }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'quiet') {
    let result = null;
    try { result = checkpoint(); } catch (error) { parentPort.postMessage({ error: String(error && error.message || error) }); }
    waitingForQuiet = false;
    parentPort.postMessage({ quietDone: result });
    return;
  }
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
 *
 * A PASSIVE checkpoint alone does not bound the WAL under steady load: the
 * WAL file starts over only when a commit finds every frame of it copied, and
 * commits arriving every millisecond always leave the newest frames uncopied
 * — the file grew by ~5 MB a second in the benchmark, without end (issue 18).
 * So once the WAL holds {@link RESTART_WAL_FRAMES} frames the worker asks the
 * serving connection for a quiet moment: the write batch holds its commits
 * (queued in memory; the event loop runs on), the worker copies the last
 * frames, the batch resumes, and its first commit starts the WAL over.
 * Nothing blocks: a write made meanwhile outside the batch only means the
 * WAL starts over at a later round. `journal_size_limit` then trims the file.
 */
export class WalCheckpointer {
  #stopping = false;

  #quietTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly quiesce: Quiescable | undefined,
  ) {}

  /**
   * Starts the worker for the database at `path` served by `db`. With
   * `quiesce` (the connection's write batch) the WAL is also kept from
   * growing under steady load (see above); `restartFrames` for tests.
   */
  static start(
    db: Database,
    path: string,
    logger?: Logger,
    intervalMs = CHECKPOINT_INTERVAL_MS,
    options: { quiesce?: Quiescable; restartFrames?: number } = {},
  ): WalCheckpointer {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const quiesce = options.quiesce;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        path,
        driver,
        intervalMs,
        busyTimeoutMs: BUSY_TIMEOUT_MS,
        quiesce: quiesce !== undefined,
        restartFrames: options.restartFrames ?? RESTART_WAL_FRAMES,
      },
    });
    worker.unref();
    db.pragma('wal_autocheckpoint = 0');
    // When the WAL starts over, a file grown past this (a burst without a quiet moment) is cut back to it.
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    let checkpointer: WalCheckpointer | undefined = undefined;
    const fallBack = (reason: unknown): void => {
      if (checkpointer !== undefined) checkpointer.#endQuiet();
      if ((checkpointer !== undefined && checkpointer.#stopping) || !db.open) return;
      db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
      logger?.warn({ err: reason }, 'the SQLite checkpoint worker stopped; checkpoints run in the serving connection again');
    };
    worker.on('error', fallBack);
    worker.on('exit', (code) => {
      if (code !== 0) fallBack(new Error(`checkpoint worker exited with ${code}`));
    });
    worker.on('message', (message: { error?: string; quiet?: boolean; quietDone?: unknown }) => {
      if (message.error) logger?.debug({ error: message.error }, 'an SQLite checkpoint failed; the next one retries');
      if (checkpointer === undefined) return;
      if (message.quiet === true) checkpointer.#beginQuiet();
      if ('quietDone' in message) checkpointer.#endQuiet();
    });
    checkpointer = new WalCheckpointer(worker, quiesce);
    return checkpointer;
  }

  #beginQuiet(): void {
    if (this.quiesce === undefined || this.#stopping || this.#quietTimer !== undefined) return;
    this.quiesce.pause();
    // Bounded: should the worker never answer, the writes go on.
    this.#quietTimer = setTimeout(() => this.#endQuiet(), QUIET_LIMIT_MS);
    this.#quietTimer.unref();
    this.worker.postMessage('quiet');
  }

  #endQuiet(): void {
    if (this.#quietTimer === undefined) return;
    clearTimeout(this.#quietTimer);
    this.#quietTimer = undefined;
    this.quiesce?.resume();
  }

  /** Stops the worker after one last checkpoint; call before closing the serving connection. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#endQuiet();
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
