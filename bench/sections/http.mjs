/**
 * Section 2, HTTP end to end: POST /v1/presentations/verify answered with
 * 200 (verified, session token issued), each request with its own fresh
 * challenge (challenges fetched and VPs signed before timing), driven by
 * autocannon over loopback.
 *
 * Topology `sqlite-1`: one `node dist/main.js` on a SQLite file.
 * Topology `pg-redis-2`: two processes on PostgreSQL + Redis, started by the
 * scale-out helper when it is present (see bench/lib/cluster.mjs).
 *
 * The run is sized from a warm-up: `durationS` seconds at the warm-up's rate
 * (bounded by `maxRequests`), so the whole section stays short.
 */
import { performance } from 'node:perf_hooks';
import { ed25519Identity, issueEmployeeCredential } from '../lib/identities.mjs';
import { prepareBodies, sendAll } from '../lib/load.mjs';
import { fastPresenter } from '../lib/presentations.mjs';
import { runIfMain } from '../lib/section.mjs';
import { cpuSecondsOf, cpuSecondsOfCommands } from '../lib/service.mjs';
import { definePolicy, startTopology } from '../lib/topologies.mjs';

/** The servers the PostgreSQL + Redis topology shares (their command names in /proc). */
const BACKING_SERVICES = ['postgres', 'redis-server'];

export async function run({
  topology = 'sqlite-1',
  connections = 32,
  warmupRequests = 2000,
  durationS = 10,
  maxRequests = 60_000,
  minRequests = 3000,
  nodeArgs = [],
  env = {},
} = {}) {
  const cluster = await startTopology(topology, { env, nodeArgs });
  if (!cluster) return { topology, measured: false, reason: 'the PostgreSQL + Redis multi-process helper is not in this tree yet' };
  try {
    const targets = cluster.processes.map((p) => p.baseUrl);
    await definePolicy(targets[0]);
    const issuer = ed25519Identity();
    const holder = ed25519Identity();
    const credential = await issueEmployeeCredential(issuer, holder.did);
    const presentWith = await fastPresenter(holder, [credential]);
    const present = (nonce, aud) => presentWith([credential], nonce, aud);

    const warmupBodies = await prepareBodies(targets, warmupRequests, present);
    const warmup = await sendAll(targets, warmupBodies, { connections });
    console.log(`http ${topology} warm-up: ${Math.round(warmup.okPerSecond)} ok/s, p99 ${warmup.latencyMs.p99} ms, non-2xx ${warmup.non2xx}`);

    const count = Math.max(minRequests, Math.min(maxRequests, Math.round(warmup.okPerSecond * durationS)));
    const prepareStart = performance.now();
    const bodies = await prepareBodies(targets, count, present);
    const prepareS = (performance.now() - prepareStart) / 1000;
    const cpuBefore = cluster.processes.map((p) => cpuSecondsOf(p.pid));
    const backingBefore = cpuSecondsOfCommands(BACKING_SERVICES);
    const clientBefore = process.cpuUsage();
    const result = await sendAll(targets, bodies, { connections });
    const client = process.cpuUsage(clientBefore);
    const serverCpuS = cluster.processes.reduce((sum, p, i) => sum + ((cpuSecondsOf(p.pid) ?? NaN) - (cpuBefore[i] ?? NaN)), 0);
    const backingCpuS = (cpuSecondsOfCommands(BACKING_SERVICES) ?? NaN) - (backingBefore ?? NaN);
    console.log(
      `http ${topology}: ${Math.round(result.okPerSecond)} ok/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
    );
    return {
      topology,
      measured: true,
      description: cluster.description,
      prepared: count,
      prepareS,
      warmup: { sent: warmup.sent, okPerSecond: warmup.okPerSecond },
      ...result,
      serverCpuS,
      serverCpuUsPerRequest: (serverCpuS * 1e6) / Math.max(1, result.sent),
      serverCoresBusy: serverCpuS / result.durationS,
      clientCpuS: (client.user + client.system) / 1e6,
      // PostgreSQL and Redis serve the replicas from the same cores (all of their processes on the machine).
      backingCpuS: topology === 'sqlite-1' ? 0 : backingCpuS,
    };
  } finally {
    await cluster.stop();
  }
}

await runIfMain(import.meta.url, run);
