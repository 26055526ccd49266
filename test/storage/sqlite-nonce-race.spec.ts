import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Challenge } from '../../src/core/model/challenge.js';
import { applyMigrations, MIGRATIONS, openSqliteStorage } from '../../src/storage/sqlite/index.js';

/*
 * Two OS processes, each with its own SQLite connection to one file, consume
 * the same nonce at the same moment; exactly one may get the challenge. The
 * workers (nonce-race-worker.mjs) run the compiled adapter from dist/.
 */

const WORKER = fileURLToPath(new URL('./nonce-race-worker.mjs', import.meta.url));
const COMPILED_ADAPTER = fileURLToPath(new URL('../../dist/storage/sqlite/index.js', import.meta.url));
const ROUNDS = 200;
const T0 = Date.UTC(2025, 0, 1);

interface Answer {
  ok: boolean;
  challenge?: Challenge | null;
  error?: string;
  code?: string;
}

/** A worker process answering one JSON line per request, in order. */
class RaceWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<(answer: Answer) => void> = [];
  private stderr = '';
  readonly exited: Promise<number | null>;

  constructor(readonly name: string) {
    this.child = spawn(process.execPath, [WORKER], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(JSON.parse(line) as Answer));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    // A worker that dies fails every request still waiting, instead of a test timeout.
    void this.exited.then((code) => {
      for (const settle of this.waiting.splice(0)) settle({ ok: false, error: `${name} exited with ${code}: ${this.stderr}` });
    });
  }

  /** Writes the request at once; the answer arrives whenever the worker is done. */
  request(message: object): Promise<Answer> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  async requestOk(message: object): Promise<Answer> {
    const answer = await this.request(message);
    if (!answer.ok) throw new Error(`${this.name}: ${answer.error} (${answer.code}) ${this.stderr}`);
    return answer;
  }

  endInput(): void {
    this.child.stdin.end();
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }
}

function challenge(nonce: string): Challenge {
  return { nonce, policyId: 'employee-portal', domain: 'https://orders.example.com', createdAt: T0, expiresAt: T0 + 300_000 };
}

describe('SQLite NonceStore across OS processes', () => {
  let dir: string;
  let workers: [RaceWorker, RaceWorker];

  /** Has both workers open `path` at the same moment (the file need not exist). */
  async function openBoth(path: string): Promise<Answer[]> {
    return Promise.all(workers.map((worker) => worker.request({ op: 'open', path })));
  }

  /** Sends one nonce to both workers in the same tick and collects who got the challenge. */
  async function raceRounds(op: 'consume' | 'consume-read-then-delete', path: string, rounds: number) {
    const parent = openSqliteStorage(path);
    const outcomes: Array<{ round: number; winners: string[] }> = [];
    try {
      for (let round = 0; round < rounds; round += 1) {
        const issued = challenge(randomBytes(16).toString('base64url'));
        await parent.challenges.issue(issued);
        const answers = await Promise.all(workers.map((worker) => worker.requestOk({ op, nonce: issued.nonce, now: T0 + 1 })));
        // A winner must receive exactly the issued challenge; anything else fails the round.
        for (const answer of answers) if (answer.challenge) expect(answer.challenge).toStrictEqual(issued);
        outcomes.push({ round, winners: workers.filter((_, i) => answers[i]!.challenge).map((worker) => worker.name) });
        // Whatever happened, the challenge is gone afterwards.
        await expect(parent.challenges.consume(issued.nonce, T0 + 1)).resolves.toBeNull();
      }
    } finally {
      await parent.close();
    }
    return outcomes;
  }

  beforeAll(() => {
    if (!existsSync(COMPILED_ADAPTER)) {
      throw new Error(`${COMPILED_ADAPTER} is missing: run \`npx tsc -p tsconfig.build.json\` or let jest's global setup build (unset KPARTY_SKIP_BUILD)`);
    }
    dir = mkdtempSync(join(tmpdir(), 'kparty-nonce-race-'));
    workers = [new RaceWorker('worker A'), new RaceWorker('worker B')];
  });

  afterAll(() => {
    for (const worker of workers ?? []) worker.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Asserts the file at `path` holds every migration once and is in WAL mode. */
  function expectMigratedOnce(path: string): void {
    const db = new Database(path, { readonly: true });
    try {
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      expect(versions).toStrictEqual(MIGRATIONS.map((migration) => migration.version));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  }

  // Both processes create the file and switch it to WAL at once (SQLite refuses
  // one of two simultaneous switches with SQLITE_BUSY, which the adapter retries).
  it('two processes opening a file that does not exist yet at once both succeed and migrate it once', async () => {
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const path = join(dir, `fresh-${attempt}`, 'kparty.db');
      expect(await openBoth(path)).toStrictEqual([{ ok: true }, { ok: true }]);
      expectMigratedOnce(path);
    }
  });

  // A WAL file whose schema_migrations is behind the code — as when replicas
  // restart together onto a release with new migrations. Both reach the
  // migration transaction at once; only the write lock taken up front
  // (BEGIN IMMEDIATE) keeps them from reading the same version and both migrating.
  it('two processes upgrading a file behind the current schema at once both succeed and migrate it once', async () => {
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const path = join(dir, `behind-${attempt}.db`);
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      applyMigrations(db, []);
      db.close();
      expect(await openBoth(path)).toStrictEqual([{ ok: true }, { ok: true }]);
      expectMigratedOnce(path);
    }
  });

  it(`a nonce raced by two processes is consumed exactly once, ${ROUNDS} times over`, async () => {
    const path = join(dir, 'race', 'kparty.db');
    expect(await openBoth(path)).toStrictEqual([{ ok: true }, { ok: true }]);
    const outcomes = await raceRounds('consume', path, ROUNDS);
    expect(outcomes.filter((outcome) => outcome.winners.length !== 1)).toStrictEqual([]);
    expect(outcomes).toHaveLength(ROUNDS);
  });

  // Control: the same harness against a read-then-delete consume must see double
  // consumption. If it did not, the workers would not really be racing (e.g. the
  // parent waited for one answer before sending to the other) and the test above
  // would prove nothing.
  it('control: the harness does catch a non-atomic read-then-delete consume', async () => {
    const path = join(dir, 'control', 'kparty.db');
    expect(await openBoth(path)).toStrictEqual([{ ok: true }, { ok: true }]);
    const outcomes = await raceRounds('consume-read-then-delete', path, 20);
    expect(outcomes.filter((outcome) => outcome.winners.length === 2).length).toBeGreaterThan(0);
  });

  it('workers close the database and exit with code 0 when their input ends', async () => {
    for (const worker of workers) worker.endInput();
    await expect(Promise.all(workers.map((worker) => worker.exited))).resolves.toStrictEqual([0, 0]);
  });
});
