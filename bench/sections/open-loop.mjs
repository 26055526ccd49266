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

/** prom-client's event-loop monitoring resolution (`eventLoopMonitoringPrecision`, default 10 ms). */
const LOOP_MONITOR_RESOLUTION_MS = 10;
const lateBy = (seconds) => Math.max(0, seconds * 1000 - LOOP_MONITOR_RESOLUTION_MS);

/** The server's own view of a run, from GET /metrics (prom-client default metrics, prefix `kparty_`). */
async function scrape(baseUrl) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  const gc = { seconds: 0, count: 0, majorSeconds: 0 };
  for (const match of text.matchAll(/^kparty_nodejs_gc_duration_seconds_(sum|count)\{kind="([a-z]+)"\} ([0-9.e+-]+)$/gm)) {
    const [, what, kind] = match;
    const number = Number(match[3]);
    if (what === 'sum') gc.seconds += number;
    else gc.count += number;
    if (what === 'sum' && kind === 'major') gc.majorSeconds += number;
  }
  return {
    gc,
    // The event-loop delay histogram is reset at every scrape: these describe the time since the previous one.
    // Node's monitorEventLoopDelay records the whole interval between its timer's ticks, so an idle loop reads
    // its resolution (prom-client's default, 10 ms): the delay is what lies beyond it.
    loopDelayMs: {
      p50: lateBy(value('kparty_nodejs_eventloop_lag_p50_seconds')),
      p99: lateBy(value('kparty_nodejs_eventloop_lag_p99_seconds')),
      max: lateBy(value('kparty_nodejs_eventloop_lag_max_seconds')),
    },
  };
}

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
      const before = await scrape(target);
      const cpuBefore = cpuSecondsOf(cluster.processes[0].pid);
      const result = await runOpenLoop({ url: target, path: '/v1/presentations/verify', bodies, rate, maxSeconds: durationS * 3 });
      const cpuS = (cpuSecondsOf(cluster.processes[0].pid) ?? NaN) - (cpuBefore ?? NaN);
      const after = await scrape(target);
      const server = {
        gcMsPerSecond: ((after.gc.seconds - before.gc.seconds) * 1000) / result.durationS,
        gcPauses: after.gc.count - before.gc.count,
        majorGcMs: (after.gc.majorSeconds - before.gc.majorSeconds) * 1000,
        loopDelayMs: after.loopDelayMs,
      };
      console.log(
        `open loop ${rate}/s (${Math.round(fraction * 100)} % of ${Math.round(maxPerSecond)}/s): p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, non-2xx ${result.non2xx}`,
      );
      runs.push({ fraction, ...result, server, serverCpuUsPerRequest: (cpuS * 1e6) / Math.max(1, result.answered) });
    }
    return { measured: true, topology, description: cluster.description, maxPerSecond, runs };
  } finally {
    await cluster.stop();
  }
}

await runIfMain(import.meta.url, run);
