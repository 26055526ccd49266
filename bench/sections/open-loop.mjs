/**
 * Section 2b, latency under a fixed offered load (open loop): one process on
 * SQLite receives verify requests at fixed rates — fractions of the maximum
 * the closed-loop HTTP section measured in the same run — each request with
 * its own fresh challenge, latency counted from its due time
 * (bench/lib/open-loop.mjs). Shows how the tail grows before saturation.
 */
import { ed25519Identity, issueEmployeeCredential } from '../lib/identities.mjs';
import { prepareBodies } from '../lib/load.mjs';
import { runOpenLoop } from '../lib/open-loop.mjs';
import { fastPresenter } from '../lib/presentations.mjs';
import { runIfMain } from '../lib/section.mjs';
import { cpuSecondsOf } from '../lib/service.mjs';
import { definePolicy, startTopology } from '../lib/topologies.mjs';

export async function run({ topology = 'sqlite-1', maxPerSecond, fractions = [0.25, 0.5], durationS = 8, warmupS = 2 } = {}) {
  if (!(maxPerSecond > 0)) return { measured: false, reason: 'no maximum rate measured in this run (the closed-loop HTTP section failed)' };
  const cluster = await startTopology(topology);
  try {
    const target = cluster.processes[0].baseUrl;
    await definePolicy(target);
    const issuer = ed25519Identity();
    const holder = ed25519Identity();
    const credential = await issueEmployeeCredential(issuer, holder.did);
    const presentWith = await fastPresenter(holder, [credential]);
    const present = (nonce, aud) => presentWith([credential], nonce, aud);
    const runs = [];
    for (const fraction of fractions) {
      const rate = Math.max(10, Math.round(maxPerSecond * fraction));
      const [warm] = await prepareBodies([target], Math.round(rate * warmupS), present);
      await runOpenLoop({ url: target, path: '/v1/presentations/verify', bodies: warm, rate });
      const [bodies] = await prepareBodies([target], Math.round(rate * durationS), present);
      const cpuBefore = cpuSecondsOf(cluster.processes[0].pid);
      const result = await runOpenLoop({ url: target, path: '/v1/presentations/verify', bodies, rate, maxSeconds: durationS * 3 });
      const cpuS = (cpuSecondsOf(cluster.processes[0].pid) ?? NaN) - (cpuBefore ?? NaN);
      console.log(`open loop ${rate}/s (${Math.round(fraction * 100)} % of ${Math.round(maxPerSecond)}/s): p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, non-2xx ${result.non2xx}`);
      runs.push({ fraction, ...result, serverCpuUsPerRequest: (cpuS * 1e6) / Math.max(1, result.answered) });
    }
    return { measured: true, topology, description: cluster.description, maxPerSecond, runs };
  } finally {
    await cluster.stop();
  }
}

await runIfMain(import.meta.url, run);
