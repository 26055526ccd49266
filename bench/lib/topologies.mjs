/**
 * The service set-ups the HTTP benchmark drives: one process on SQLite, or
 * several processes on PostgreSQL + Redis (bench/lib/cluster.mjs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from './cluster.mjs';
import { BENCH_ADMIN_KEY, POLICY_ID, benchmarkPolicy } from './kparty-core.mjs';
import { jsonClient, startService } from './service.mjs';

/** The service's environment for benchmarking: quiet logs, no rate limit (one client address sends everything). */
export const BENCH_ENV = {
  KPARTY_ADMIN_KEY: BENCH_ADMIN_KEY,
  LOG_LEVEL: 'warn',
  KPARTY_RATE_LIMIT: '0',
  NODE_ENV: 'development',
};

/** One `node dist/main.js` on a fresh SQLite file. */
export async function startSqliteSingle({ env = {}, nodeArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kparty-bench-http-'));
  const databasePath = join(dir, 'kparty.db');
  try {
    const service = await startService({ env: { ...BENCH_ENV, ...env, DATABASE_URL: `sqlite:${databasePath}` }, cwd: dir, nodeArgs });
    return {
      description: '1 process, SQLite (WAL) on a temporary file',
      databasePath,
      processes: [service],
      stop: async () => {
        await service.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `sqlite-1`, `pg-redis-1` or `pg-redis-2`; null when the topology cannot be started in this tree. */
export function startTopology(topology, { env = {}, nodeArgs = [] } = {}) {
  if (topology === 'sqlite-1') return startSqliteSingle({ env, nodeArgs });
  if (topology === 'pg-redis-1') return startCluster({ processes: 1, env: { ...BENCH_ENV, ...env }, nodeArgs });
  if (topology === 'pg-redis-2') return startCluster({ processes: 2, env: { ...BENCH_ENV, ...env }, nodeArgs });
  throw new Error(`unknown topology ${topology}`);
}

/** Registers the relying party and its policy through the admin API (once: the processes share storage). */
export async function definePolicy(baseUrl) {
  const client = jsonClient(baseUrl, { connections: 1 });
  try {
    const admin = { authorization: `Bearer ${BENCH_ADMIN_KEY}` };
    const rp = await client.call('POST', '/v1/admin/relying-parties', { id: 'orders', name: 'Orders' }, admin);
    if (rp.status !== 201) throw new Error(`creating the relying party answered ${rp.status}: ${rp.text}`);
    const put = await client.call('PUT', `/v1/admin/policies/${POLICY_ID}`, benchmarkPolicy(), { authorization: `Bearer ${rp.body.apiKey}` });
    if (put.status !== 201) throw new Error(`creating the policy answered ${put.status}: ${put.text}`);
  } finally {
    client.close();
  }
}
