#!/usr/bin/env node
/**
 * Runs N kparty processes on one machine as replicas sharing PostgreSQL and
 * Redis (docs/operations.md) — for trying replicas out, for the benchmark's
 * multi-process figures and for end-to-end tests.
 *
 * Command line (build first: `npm run build`):
 *
 *   node scripts/replicas.mjs [count=2]
 *
 * starts `count` processes of `dist/main.js` on free loopback ports, prints
 * their URLs and the operator key, and stops them on Ctrl-C. DATABASE_URL and
 * REDIS_URL default to the machine's test servers; unless KPARTY_REPLICAS_KEEP=1
 * a fresh schema and key prefix are used and removed again on exit. Every
 * other KPARTY_* variable of the environment is passed on.
 *
 * As a module:
 *
 *   import { startReplicas } from './scripts/replicas.mjs';
 *   const set = await startReplicas({ count: 2, env: { LOG_LEVEL: 'warn' } });
 *   // set.processes[i].baseUrl, .pid, .output(), .stop(); set.adminKey; set.stop()
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './lib/free-port.mjs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist', 'main.js');

/** The machine's servers (docs/architecture.md "Toolchain facts"): trust auth, database `test`. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function withPostgres(url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(url, prefix) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Starts one `node dist/main.js` and waits until GET /readyz answers 200. */
async function startProcess(index, env, nodeArgs, timeoutMs) {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), `kparty-replica-${index}-`));
  const child = spawn(process.execPath, [...nodeArgs, MAIN], { env: { ...env, PORT: String(port) }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const replica = {
    index,
    port,
    baseUrl,
    pid: child.pid,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(cwd, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await replica.stop();
      throw new Error(`kparty replica ${index} exited with ${child.exitCode} during start:\n${output}`);
    }
    try {
      if ((await fetch(`${baseUrl}/readyz`)).status === 200) return replica;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await replica.stop();
      throw new Error(`kparty replica ${index} was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(50);
  }
}

/**
 * Starts `count` kparty processes sharing one PostgreSQL database and one
 * Redis. With `fresh` (the default) they get a new schema (`?schema=`) and
 * KPARTY_REDIS_PREFIX, both removed by `stop()`.
 *
 * @param {{
 *   count?: number,
 *   databaseUrl?: string,
 *   redisUrl?: string,
 *   fresh?: boolean,
 *   env?: Record<string, string>,
 *   nodeArgs?: string[],
 *   startTimeoutMs?: number,
 * }} [options]
 */
export async function startReplicas(options = {}) {
  const count = options.count ?? 2;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const fresh = options.fresh ?? true;
  const baseDatabaseUrl = options.databaseUrl ?? DEFAULT_DATABASE_URL;
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const suffix = randomBytes(6).toString('hex');
  const schema = fresh ? `kparty_replicas_${suffix}` : undefined;
  const redisPrefix = fresh ? `kparty-replicas:${suffix}:` : (options.env?.KPARTY_REDIS_PREFIX ?? 'kparty:');
  let databaseUrl = baseDatabaseUrl;
  if (schema) {
    const url = new URL(baseDatabaseUrl);
    url.searchParams.set('schema', schema);
    databaseUrl = url.toString();
  }
  const adminKey = options.env?.KPARTY_ADMIN_KEY ?? `kpo_${randomBytes(32).toString('base64url')}`;
  const env = {
    PATH: process.env.PATH ?? '',
    LOG_LEVEL: 'warn',
    // Every replica must name the same issuer: the public URL clients (and the load balancer) use.
    KPARTY_ISSUER: 'http://localhost:8080',
    ...options.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    KPARTY_REDIS_PREFIX: redisPrefix,
    KPARTY_ADMIN_KEY: adminKey,
  };

  const cleanUp = async () => {
    if (!fresh) return;
    await withPostgres(baseDatabaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).catch(() => undefined);
    await deleteRedisKeys(redisUrl, redisPrefix).catch(() => undefined);
  };

  // Started together, as a deployment does: they race to migrate and to create the first signing key.
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startProcess(i, env, options.nodeArgs ?? [], options.startTimeoutMs ?? 30_000)),
  );
  const processes = started.filter((r) => r.status === 'fulfilled').map((r) => r.value);
  const stop = async () => {
    await Promise.all(processes.map((replica) => replica.stop()));
    await cleanUp();
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return {
    processes,
    databaseUrl,
    redisUrl,
    redisPrefix,
    adminKey,
    issuer: env.KPARTY_ISSUER,
    description: `${count} kparty processes on PostgreSQL + Redis (one machine)`,
    stop,
  };
}

async function main() {
  const count = Number(process.argv[2] ?? '2');
  const passOn = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('KPARTY_') || name === 'LOG_LEVEL'));
  const set = await startReplicas({
    count,
    databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
    fresh: process.env.KPARTY_REPLICAS_KEEP !== '1',
    env: passOn,
  });
  process.stdout.write(`${set.description}\n  DATABASE_URL=${set.databaseUrl}\n  REDIS_URL=${set.redisUrl} KPARTY_REDIS_PREFIX=${set.redisPrefix}\n`);
  process.stdout.write(`  operator key: ${set.adminKey}\n`);
  for (const replica of set.processes) process.stdout.write(`  replica ${replica.index}: ${replica.baseUrl} (pid ${replica.pid})\n`);
  process.stdout.write('Ctrl-C stops them.\n');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await set.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`replicas: ${error?.message ?? error}\n`);
    process.exit(1);
  });
}
