/**
 * `npm run bench`: kparty's benchmarks, one run, printed and written to
 * docs/benchmarks.md (overwritten).
 *
 *   1. in-process verifications per second: kparty vs did-jwt-vc, and the raw bound;
 *   2. HTTP POST /v1/presentations/verify under autocannon: 1 process on SQLite,
 *      1 and 2 processes on PostgreSQL + Redis; 2b. latency under a fixed offered
 *      load (open loop) at fractions of the SQLite maximum;
 *   3. resident memory after 100,000 verifications from 10,000 issuers;
 *   4. CPU profiles of the in-process path and of the server under load;
 *   5. mso_mdoc DeviceResponses in process: kparty vs @owf/mdoc's own Verifier.
 *   6. Data Integrity (ldp_vp): kparty vs @digitalbazaar/vc `verify` on the same VP, and where the time goes.
 *   7. dc+sd-jwt in process: kparty vs @sd-jwt/sd-jwt-vc's `SDJwtVcInstance.verify` with KB on the same presentation.
 *
 * Every section runs in its own Node process, against the BUILT service
 * (dist/, built first when stale), over loopback only, and every loop is
 * bounded; a section that fails is reported as failed and the others still run.
 *
 * Options: --quick (smaller runs, for trying things out; the report says so),
 * --only=in-process,http,memory,profile,mdoc,ldp-vc,sd-jwt-vc, --no-write (print only).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfNeeded } from '../scripts/build-if-needed.mjs';
import { describeMachine, measureSchedulingGaps } from './lib/machine.mjs';
import { renderReport } from './lib/report.mjs';
import { runSection } from './lib/section.mjs';
import { ROOT } from './lib/service.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = !args.includes('--no-write');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (name) => !only || only.includes(name);

/** Sizes of each section: the full run (≈ 5–8 minutes on 2 cores) and --quick. */
const PLAN = {
  inProcess: quick ? { rounds: 3, perRound: 200, warmup: 200 } : { rounds: 5, perRound: 600, warmup: 600 },
  http: quick ? { durationS: 3, warmupRequests: 1000, connections: 32 } : { durationS: 10, warmupRequests: 3000, connections: 32 },
  httpFloor: quick ? { requests: 8000 } : { requests: 30_000 },
  openLoop: quick ? { fractions: [0.5], durationS: 3, warmupS: 1 } : { fractions: [0.25, 0.5], durationS: 8, warmupS: 2 },
  memory: quick ? { issuers: 2000, verifications: 10_000, samples: 5 } : { issuers: 10_000, verifications: 100_000, samples: 10 },
  profile: quick ? { warmup: 500, count: 1000, serverRequests: 3000 } : { warmup: 1000, count: 3000, serverRequests: 8000 },
  mdoc: quick ? { rounds: 3, perRound: 100, warmup: 100 } : { rounds: 5, perRound: 300, warmup: 300 },
  ldpVc: quick ? { rounds: 3, perRound: 50, warmup: 30 } : { rounds: 5, perRound: 150, warmup: 100 },
  sdJwtVc: quick ? { rounds: 3, perRound: 100, warmup: 100 } : { rounds: 5, perRound: 300, warmup: 300 },
};

const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

async function section(name, file, options, how) {
  log(`${name}…`);
  const t = Date.now();
  try {
    const result = await runSection(join(ROOT, 'bench', 'sections', file), options, { log: (line) => log(`  ${line}`), ...how });
    log(`${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    return result;
  } catch (error) {
    log(`${name} FAILED: ${error.message}`);
    return { failed: true, error: error.message };
  }
}

if (buildIfNeeded()) log('built dist/');
const machineBefore = describeMachine();
const results = { quick, startedAt: new Date(started).toISOString(), machine: machineBefore, plan: PLAN };
results.schedulingGaps = await measureSchedulingGaps(quick ? 1000 : 3000);
log(
  `scheduling gaps: largest ${results.schedulingGaps.largestMs.toFixed(1)} ms, ${results.schedulingGaps.lostMsPerSecond.toFixed(1)} ms lost per second per core`,
);

if (wanted('in-process')) results.inProcess = await section('1. in-process', 'in-process.mjs', PLAN.inProcess, { timeoutMs: 180_000 });
if (wanted('http')) {
  results.http = [
    await section('2. HTTP, 1 process on SQLite', 'http.mjs', { ...PLAN.http, topology: 'sqlite-1' }, { timeoutMs: 150_000 }),
    await section('2. HTTP, 1 process on PostgreSQL + Redis', 'http.mjs', { ...PLAN.http, topology: 'pg-redis-1' }, { timeoutMs: 150_000 }),
    await section('2. HTTP, 2 processes on PostgreSQL + Redis', 'http.mjs', { ...PLAN.http, topology: 'pg-redis-2' }, { timeoutMs: 150_000 }),
  ];
  results.httpFloor = await section(
    '2. HTTP floor (Fastify, NestJS on Fastify)',
    'http-floor.mjs',
    { ...PLAN.httpFloor, atRate: results.http[0]?.measured ? results.http[0].okPerSecond : 0 },
    { timeoutMs: 120_000 },
  );
  const sqlite = results.http[0];
  results.openLoop = await section(
    '2b. open loop, 1 process on SQLite',
    'open-loop.mjs',
    { ...PLAN.openLoop, maxPerSecond: sqlite?.measured ? sqlite.okPerSecond : 0 },
    { timeoutMs: 180_000 },
  );
}
if (wanted('memory')) results.memory = await section('3. memory', 'memory.mjs', PLAN.memory, { nodeArgs: ['--expose-gc'], timeoutMs: 240_000 });
if (wanted('profile')) results.profile = await section('4. profiles', 'profile.mjs', PLAN.profile, { timeoutMs: 150_000 });
if (wanted('mdoc')) results.mdoc = await section('5. mso_mdoc in process', 'mdoc.mjs', PLAN.mdoc, { timeoutMs: 150_000 });
if (wanted('ldp-vc')) results.ldpVc = await section('6. Data Integrity (ldp_vp)', 'ldp-vc.mjs', PLAN.ldpVc, { timeoutMs: 150_000 });
if (wanted('sd-jwt-vc')) results.sdJwtVc = await section('7. dc+sd-jwt in process', 'sd-jwt-vc.mjs', PLAN.sdJwtVc, { timeoutMs: 150_000 });

results.elapsedS = (Date.now() - started) / 1000;
results.loadAverageAfter = describeMachine().loadAverage;
const report = renderReport(results);
if (write) {
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), report);
  log(`wrote docs/benchmarks.md (${results.elapsedS.toFixed(0)} s in all)`);
}
console.log(`\n${report}`);
