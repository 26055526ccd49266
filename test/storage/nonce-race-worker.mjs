// A worker process for test/storage/sqlite-nonce-race.spec.ts: it opens the
// SQLite storage from the COMPILED adapter (dist/, built by jest's global
// setup) — a separate OS process with its own connection, as a second kparty
// process on the same machine would have.
//
// Protocol: one JSON request per stdin line, one JSON answer per stdout line, in order.
//   {"op":"open","path":"/tmp/…/kparty.db"}            → {"ok":true}
//   {"op":"consume","nonce":"…","now":123}              → {"ok":true,"challenge":{…}|null}
//   {"op":"consume-read-then-delete","nonce":"…","now":123}
//     → the same answer from a deliberately NON-atomic consume (SELECT, pause,
//       DELETE); the test's control uses it to show that the harness really
//       makes the two workers race.
// Any failure → {"ok":false,"error":"…","code":"…"}. When stdin ends the worker
// closes its database and exits with code 0.
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';

const { openSqliteStorage } = await import(new URL('../../dist/storage/sqlite/index.js', import.meta.url).href);

let storage;
let raw;

async function open(path) {
  await close();
  storage = openSqliteStorage(path);
  raw = new Database(path);
  raw.pragma('busy_timeout = 5000');
  return {};
}

async function readThenDelete(nonce, now) {
  const row = raw.prepare('SELECT nonce, policy_id, domain, created_at, expires_at FROM challenges WHERE nonce = ?').get(nonce);
  // The gap an `await` between a read and a delete opens in a real adapter.
  await sleep(5);
  raw.prepare('DELETE FROM challenges WHERE nonce = ?').run(nonce);
  if (!row || row.expires_at <= now) return null;
  return { nonce: row.nonce, policyId: row.policy_id, domain: row.domain, createdAt: row.created_at, expiresAt: row.expires_at };
}

async function handle(request) {
  switch (request.op) {
    case 'open':
      return open(request.path);
    case 'consume':
      return { challenge: await storage.challenges.consume(request.nonce, request.now) };
    case 'consume-read-then-delete':
      return { challenge: await readThenDelete(request.nonce, request.now) };
    default:
      throw new Error(`unknown op ${JSON.stringify(request.op)}`);
  }
}

async function close() {
  raw?.close();
  await storage?.close();
  raw = undefined;
  storage = undefined;
}

// Requests are answered strictly in order: each waits for the one before.
let previous = Promise.resolve();
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  previous = previous.then(async () => {
    let answer;
    try {
      answer = { ok: true, ...(await handle(JSON.parse(line))) };
    } catch (error) {
      answer = { ok: false, error: String(error?.message ?? error), code: error?.code };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  });
});
// Nothing else keeps the event loop alive, so the process then exits with code 0.
lines.on('close', () => {
  previous.then(close).catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  });
});
