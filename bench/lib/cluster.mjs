/**
 * Several kparty processes on PostgreSQL + Redis, for the scale-out figures:
 * the replica helper of scripts/replicas.mjs (a fresh schema and Redis key
 * prefix, removed again on stop). Returns null when the helper is not in the
 * tree, and the benchmark reports those figures as not measured.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './service.mjs';

const HELPER = join(ROOT, 'scripts', 'replicas.mjs');

export async function startCluster({ processes, env, nodeArgs = [] }) {
  if (!existsSync(HELPER)) return null;
  const { startReplicas } = await import(pathToFileURL(HELPER).href);
  const set = await startReplicas({ count: processes, env, nodeArgs });
  return {
    description: `${set.description}, PostgreSQL ${new URL(set.databaseUrl).host}, Redis ${new URL(set.redisUrl).host}`,
    processes: set.processes.map((replica) => ({ baseUrl: replica.baseUrl, pid: replica.pid })),
    stop: () => set.stop(),
  };
}
