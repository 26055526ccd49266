/**
 * Runs the built service (`node dist/main.js`) as a child process on
 * loopback, waits until /healthz answers, and stops it with SIGTERM (its own
 * draining shutdown) — the way an operator runs it.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { freePort } from '../../scripts/lib/free-port.mjs';
export { freePort };
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');

/** User and system CPU seconds a process has used so far (Linux /proc), or undefined elsewhere. */
export function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they are at 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by every process whose command name is one of
 * `names` (e.g. the PostgreSQL and Redis servers the replicas share), read
 * from /proc; undefined where there is no /proc.
 */
export function cpuSecondsOfCommands(names) {
  let entries;
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  let total = 0;
  for (const pid of entries) {
    try {
      if (!names.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim())) continue;
      total += cpuSecondsOf(pid) ?? 0;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/**
 * Starts one kparty process.
 * @param {{ env: Record<string, string>, cwd: string, nodeArgs?: string[], script?: string, args?: string[] }} options - `script`: another server than dist/main.js (the HTTP floor), answering GET /healthz
 */
export async function startService({ env, cwd, nodeArgs = [], script = MAIN, args = [] }) {
  const port = Number(env.PORT) || (await freePort());
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    // Keep the tail only: a benchmark must not grow memory with logs.
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kparty exited with ${child.exitCode} during start:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kparty did not become healthy within 30 s:\n${output}`);
    }
    await sleep(50);
  }
  return {
    baseUrl,
    port,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** JSON over HTTP/1.1 keep-alive, for set-up calls (not timed). */
export function jsonClient(baseUrl, { connections = 32 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(baseUrl);
  const call = (method, path, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = httpRequest(
        {
          agent,
          hostname,
          port,
          method,
          path,
          headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
        },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode, body: parsed, text });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { call, close: () => agent.destroy() };
}

/**
 * Calls `make(i)` for i in [0, count) with `concurrency` calls in flight,
 * collecting the results in order.
 */
export async function inParallel(count, concurrency, make) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await make(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
