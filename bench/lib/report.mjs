/**
 * docs/benchmarks.md, rendered from one run's results (bench/index.mjs).
 * Everything in it is either measured in that run or describes how it was
 * measured; nothing is carried over from earlier runs.
 */
import { mib, times, whole } from './stats.mjs';
import { TOPOLOGY_NAMES } from './topology-names.mjs';

/**
 * The goals the run is judged by (docs/benchmarks.md "Goals"): in-process
 * against the fair peer; HTTP on SQLite against the one-core crypto bound
 * (node:crypto Ed25519 verifications on one core ÷ 2 signatures, measured in
 * the in-process section of the same run); PostgreSQL + Redis against SQLite;
 * two processes against one; the tail under a fixed offered load at half the
 * SQLite maximum.
 */
const GOALS = {
  inProcessRatio: 8,
  connections: 32,
  sqliteShareOfCryptoBound: 0.6,
  sqliteP99Ms: 15,
  pgShareOfSqlite: 0.8,
  pgP99OverSqlite: 1.5,
  openLoopP99Ms: 10,
};
const topologyName = (topology) => TOPOLOGY_NAMES[topology] ?? topology;
const measured = (r) => r && !r.failed && r.measured;
/** Issue 12: kparty's dc+sd-jwt verification per CPU-second vs @sd-jwt/sd-jwt-vc's own verify with KB. */
const SD_JWT_VC_GOAL_RATIO = 3;
/** Issue 14: kparty's mso_mdoc verification per CPU-second vs @owf/mdoc's own Verifier. */
const MDOC_GOAL_RATIO = 2;

const yesNo = (met) => (met === undefined ? 'not measured' : met ? '**met**' : '**not met**');
const pct = (share) => `${(share * 100).toFixed(1)} %`;
const row = (...cells) => `| ${cells.join(' | ')} |`;
const failed = (result) => !result || result.failed;

function machineSection({ machine, loadAverageAfter, startedAt, elapsedS, quick, schedulingGaps: gaps }) {
  // The load average after the run is mostly the benchmark's own; only the one before says whether others were busy.
  const busy = machine.loadAverage[0] > machine.cores * 0.5;
  return [
    '## Machine and run',
    '',
    row('', ''),
    row('---', '---'),
    row('date', startedAt),
    row('command', quick ? '`npm run bench -- --quick` (reduced sizes: not a recorded run)' : '`npm run bench`'),
    row('CPU', `${machine.cpu}, ${machine.cores} cores (nproc)`),
    row('memory', `${machine.memoryGiB.toFixed(1)} GiB`),
    row('Node.js', `${machine.node} (${machine.platform})`),
    row(
      'load average (1, 5, 15 min) before / after',
      `${machine.loadAverage.map((l) => l.toFixed(2)).join(', ')} / ${loadAverageAfter.map((l) => l.toFixed(2)).join(', ')}`,
    ),
    row('revision', machine.revision),
    row(
      'libraries',
      Object.entries(machine.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(', '),
    ),
    row('duration', `${elapsedS.toFixed(0)} s`),
    ...(gaps
      ? [
          row(
            'scheduling gaps before the run',
            `largest ${gaps.largestMs.toFixed(1)} ms; ${gaps.gapsOver1msPerSecond.toFixed(1)} gaps over 1 ms and ${gaps.lostMsPerSecond.toFixed(1)} ms lost per second per core (${gaps.loops} busy loops, ${(gaps.ms / 1000).toFixed(0)} s, nothing else running)`,
          ),
        ]
      : []),
    '',
    ...(gaps
      ? [
          '> Scheduling gaps: a busy loop per core notes every moment it did not run — on a virtual machine, its host descheduling the virtual CPU. A request in service at such a moment waits as long, so these are a floor under the latencies below that no change to kparty moves.',
          '',
        ]
      : []),
    busy
      ? '> **The machine was busy when this run started** (1-minute load average above half the cores): other processes took CPU time, so rates are low and latencies high by an unknown amount. The per-CPU-second figures and CPU time per request are disturbed much less; rerun on a quiet machine for recorded figures.'
      : "> The machine was quiet when the run started (1-minute load average below half the cores); the load average after it is mostly the benchmark's own.",
    '',
  ];
}

function goalsSection(results) {
  const lines = ['## Goals', '', row('goal', 'measured', ''), row('---', '---', '---')];
  const ip = results.inProcess;
  if (!failed(ip)) {
    const ratio = ip.medians.kpartyChecks.wall / ip.medians.peerFair.wall;
    lines.push(
      row(
        `in-process ≥ ${GOALS.inProcessRatio}× did-jwt-vc (fair baseline, same run)`,
        `${times(ratio)} (${whole(ip.medians.kpartyChecks.wall)}/s vs ${whole(ip.medians.peerFair.wall)}/s); per CPU-second ${times(ip.medians.kpartyChecks.cpu / ip.medians.peerFair.cpu)}`,
        yesNo(ratio >= GOALS.inProcessRatio),
      ),
    );
  } else {
    lines.push(row(`in-process ≥ ${GOALS.inProcessRatio}× did-jwt-vc`, failed(ip) && ip ? `failed: ${ip.error}` : 'not run', yesNo(undefined)));
  }
  const byTopology = Object.fromEntries((results.http ?? []).map((h) => [h.topology, h]));
  const sqlite = byTopology['sqlite-1'];
  const pg1 = byTopology['pg-redis-1'];
  const pg2 = byTopology['pg-redis-2'];
  const notMeasured = (label, ...rs) => {
    const r = rs.find((x) => !measured(x));
    lines.push(row(label, r?.failed ? `failed: ${r.error}` : (r?.reason ?? 'not run'), yesNo(undefined)));
  };
  const bound = !failed(ip) ? ip.rawBound.wall : undefined;
  const sqliteLabel = `HTTP on SQLite (1 process, ${GOALS.connections} connections) ≥ ${pct(GOALS.sqliteShareOfCryptoBound)} of the one-core crypto bound`;
  if (measured(sqlite) && bound) {
    const share = sqlite.okPerSecond / bound;
    lines.push(
      row(
        sqliteLabel,
        `${pct(share)} (${whole(sqlite.okPerSecond)}/s of ${whole(bound)}/s)`,
        yesNo(share >= GOALS.sqliteShareOfCryptoBound && sqlite.non2xx === 0),
      ),
    );
  } else notMeasured(sqliteLabel, sqlite, bound ? sqlite : undefined);
  const p99Label = `HTTP p99 on SQLite ≤ ${GOALS.sqliteP99Ms} ms at ${GOALS.connections} connections`;
  if (measured(sqlite)) lines.push(row(p99Label, `${sqlite.latencyMs.p99} ms`, yesNo(sqlite.latencyMs.p99 <= GOALS.sqliteP99Ms)));
  else notMeasured(p99Label, sqlite);
  const pgLabel = `PostgreSQL + Redis, 1 process: ≥ ${pct(GOALS.pgShareOfSqlite)} of SQLite's throughput, p99 ≤ ${GOALS.pgP99OverSqlite}× SQLite's`;
  if (measured(sqlite) && measured(pg1)) {
    const share = pg1.okPerSecond / sqlite.okPerSecond;
    const p99Ratio = pg1.latencyMs.p99 / sqlite.latencyMs.p99;
    lines.push(
      row(
        pgLabel,
        `${pct(share)} (${whole(pg1.okPerSecond)}/s vs ${whole(sqlite.okPerSecond)}/s); p99 ${pg1.latencyMs.p99} ms = ${times(p99Ratio)}`,
        yesNo(share >= GOALS.pgShareOfSqlite && p99Ratio <= GOALS.pgP99OverSqlite && pg1.non2xx === 0),
      ),
    );
  } else notMeasured(pgLabel, sqlite, pg1);
  const twoLabel = 'PostgreSQL + Redis, 2 processes on this machine: no worse than 1';
  if (measured(pg1) && measured(pg2)) {
    lines.push(
      row(
        twoLabel,
        `${whole(pg2.okPerSecond)}/s vs ${whole(pg1.okPerSecond)}/s (${times(pg2.okPerSecond / pg1.okPerSecond)})`,
        yesNo(pg2.okPerSecond >= pg1.okPerSecond * 0.95 && pg2.non2xx === 0),
      ),
    );
  } else notMeasured(twoLabel, pg1, pg2);
  const open = results.openLoop;
  const half = measured(open) ? open.runs.find((r) => r.fraction === 0.5) : undefined;
  const openLabel = `open loop at half the SQLite maximum: p99 ≤ ${GOALS.openLoopP99Ms} ms`;
  if (half)
    lines.push(
      row(
        openLabel,
        `${half.latencyMs.p99.toFixed(1)} ms at ${whole(half.offeredPerSecond)}/s offered`,
        yesNo(half.latencyMs.p99 <= GOALS.openLoopP99Ms && half.non2xx === 0 && half.errors === 0),
      ),
    );
  else notMeasured(openLabel, open);
  const memory = results.memory;
  if (!failed(memory)) {
    lines.push(row('memory bounded after 100,000 verifications from 10,000 issuers', memoryVerdict(memory).text, yesNo(memoryVerdict(memory).bounded)));
  }
  lines.push('');
  return lines;
}

function inProcessSection(ip) {
  const lines = [
    '## 1. In-process verifications per second',
    '',
    'One verification at a time, in one Node process, on the same VP-JWTs for every line: a did-jwt-vc VC-DM 1.1 VP carrying one did-jwt-vc VC-JWT, EdDSA (Ed25519), did:key holder and issuer. Each line had a warm-up, then the lines took turns within each round; the table gives the median round. "per CPU-second" divides by the CPU time this process used (all its threads): it is what other load on the machine disturbs least, and it counts the thread-pool time of kparty\'s signature checks too.',
    '',
  ];
  if (failed(ip)) return [...lines, `Not measured: ${ip?.error ?? 'not run'}.`, ''];
  const { medians: m } = ip;
  const fair = m.peerFair;
  lines.push(row('what', 'verifications / s', 'per CPU-second', '× peer (fair)', '× peer per CPU-s'), row('---', '---:', '---:', '---:', '---:'));
  const line = (label, r) => row(label, whole(r.wall), whole(r.cpu), times(r.wall / fair.wall), times(r.cpu / fair.cpu));
  lines.push(
    line('**peer, fair**: did-jwt-vc `verifyPresentation` + `verifyCredential` of the embedded VC', fair),
    line("peer, VP only: did-jwt-vc `verifyPresentation` (does not check the VC's signature)", m.peerVpOnly),
    line(
      '**kparty checks**: `verifyPresentation` (dist/verification) — every check of the service, challenge consumed from the memory NonceStore',
      m.kpartyChecks,
    ),
    line(
      'kparty verify-and-issue: `SignIn.signIn` — policy read, checks, challenge consumed and audit event written in SQLite, ES256 session token',
      m.kpartyService,
    ),
    row(
      'raw bound: node:crypto Ed25519 verifications / s ÷ 2 (two signatures per presentation)',
      whole(ip.rawBound.wall),
      whole(ip.rawBound.cpu),
      times(ip.rawBound.wall / fair.wall),
      times(ip.rawBound.cpu / fair.cpu),
    ),
    '',
    `${ip.rounds} rounds of ${ip.perRound} verifications per line after ${ip.warmup} warm-up verifications; raw Ed25519: ${whole(ip.rawEd25519.wall)} verifications/s. The peer resolves DIDs with did-resolver + key-did-resolver (with did-resolver's cache on, which only helps it) and checks audience and challenge (\`nonce\`) like kparty does. kparty's checks: parse (format registry), challenge, audience, DID resolution (did:key, no I/O, cached), both signatures, validity period, status, holder binding, DCQL policy evaluation.`,
    '',
    `Round by round (verifications/s): ${Object.entries(ip.all)
      .map(([name, list]) => `${name} ${list.map((r) => whole(r.wall)).join(' / ')}`)
      .join('; ')}.`,
    '',
    `Signature operations in kparty's lines: ${whole(ip.signatureOperations.inline)} inline, ${whole(ip.signatureOperations.offloaded)} on the thread pool (one verification at a time leaves the loop nothing else to do, so the offload policy keeps them inline after its probes).`,
    '',
  );
  return lines;
}

function httpSection(list) {
  const lines = [
    '## 2. HTTP: POST /v1/presentations/verify',
    '',
    `Every request carries its own presentation answering its own fresh challenge (fetched with POST /v1/challenges and signed before the timed part), so every 200 is a complete verify-and-issue: policy read, all checks, challenge consumed, audit event written, session token signed. autocannon 9 sends each prepared body once over ${GOALS.connections} keep-alive connections on loopback; the run is sized from a warm-up to last about ten seconds. The service runs as \`node dist/main.js\` with LOG_LEVEL=warn and KPARTY_RATE_LIMIT=0 (all requests come from one address). autocannon runs on the same machine and shares its cores.`,
    '',
    row(
      'topology',
      'requests',
      'verify-and-issue / s',
      'p50',
      'p99',
      'max',
      'non-2xx',
      'errors / timeouts',
      'kparty CPU per request',
      'kparty cores busy',
      'PostgreSQL + Redis CPU per request',
      'autocannon CPU',
    ),
    row('---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'),
  ];
  const notes = [];
  for (const http of list ?? []) {
    const name = topologyName(http.topology);
    if (failed(http) || !http.measured) {
      lines.push(row(name, '–', `not measured: ${http.failed ? `failed (${http.error})` : http.reason}`, '', '', '', '', '', '', '', '', ''));
      continue;
    }
    lines.push(
      row(
        `${name}`,
        whole(http.sent),
        `**${whole(http.okPerSecond)}**`,
        `${http.latencyMs.p50.toFixed(0)} ms`,
        `${http.latencyMs.p99} ms`,
        `${http.latencyMs.max} ms`,
        whole(http.non2xx),
        `${http.errors} / ${http.timeouts}`,
        `${whole(http.serverCpuUsPerRequest)} µs`,
        http.serverCoresBusy.toFixed(2),
        http.backingCpuS > 0 ? `${whole((http.backingCpuS * 1e6) / http.sent)} µs` : '–',
        `${whole((http.clientCpuS * 1e6) / http.sent)} µs per request`,
      ),
    );
    if (http.failures.length > 0) notes.push(`${name}: first failures: ${http.failures.map((f) => `\`${f.replaceAll('|', '\\|')}\``).join('; ')}`);
    if (http.targets > 1)
      notes.push(
        `${name}: one autocannon per process, ${http.connections / http.targets} connections each; p50 is their request-weighted mean, p99 and max the largest of theirs.`,
      );
    notes.push(
      `${name}: ${http.description}; ${whole(http.prepared)} requests prepared in ${http.prepareS.toFixed(1)} s; warm-up ${whole(http.warmup.sent)} requests at ${whole(http.warmup.okPerSecond)}/s.`,
    );
  }
  return [...lines, '', ...notes.map((n) => `- ${n}`), ''];
}

/** Where the SQLite process's CPU per request goes: the HTTP floor, the signatures' least cost, and kparty's own work. */
function httpFloorSection(floor, sqlite) {
  if (failed(floor) || !floor.measured) return ['### 2a. The HTTP floor', '', `Not measured: ${floor?.error ?? 'section not run'}.`, ''];
  const byKind = Object.fromEntries(floor.runs.map((r) => [r.kind, r]));
  const names = { fastify: 'Fastify alone', nest: 'NestJS 12 on Fastify (as kparty mounts its routes)' };
  const lines = [
    "### 2a. The HTTP floor, and where a request's CPU goes",
    '',
    `The same load — autocannon, ${GOALS.connections} connections, a ${whole(floor.runs[0].bodyBytes)}-byte body per request — against a server that parses the JSON body and answers a verify-sized JSON without verifying anything (bench/lib/floor-server.mjs). What it costs per request, any service on this machine pays; what kparty costs beyond it and beyond its signatures is its own work.`,
    '',
    row('server', 'requests / s (32 connections)', 'p50', 'p99', 'CPU per request', 'cores busy', "CPU per request at kparty's rate (open loop)"),
    row('---', '---:', '---:', '---:', '---:', '---:', '---:'),
    ...floor.runs.map((r) =>
      row(
        names[r.kind] ?? r.kind,
        whole(r.okPerSecond),
        `${r.latencyMs.p50} ms`,
        `${r.latencyMs.p99} ms`,
        `${whole(r.serverCpuUsPerRequest)} µs`,
        r.serverCoresBusy.toFixed(2),
        r.paced ? `${whole(r.paced.serverCpuUsPerRequest)} µs at ${whole(r.paced.rate)}/s` : '–',
      ),
    ),
    '',
    "At full speed a server answers many requests per event-loop turn and its client never sleeps; at kparty's rate every request pays its own system calls and wake-ups, so the last column is the floor that applies to kparty.",
    '',
  ];
  const nest = byKind.nest;
  const sig = floor.signatures;
  if (nest && sig && sqlite && !failed(sqlite) && sqlite.measured) {
    const total = sqlite.serverCpuUsPerRequest;
    const httpUs = nest.paced ? nest.paced.serverCpuUsPerRequest : nest.serverCpuUsPerRequest;
    const own = total - httpUs - sig.perRequestUs;
    const share = (us) => `${((100 * us) / total).toFixed(0)} %`;
    lines.push(
      `One verify-and-issue on SQLite cost **${whole(total)} µs** of kparty's CPU (section 2, all threads) = the HTTP floor with NestJS ${whole(httpUs)} µs (${share(httpUs)}${nest.paced ? ", at kparty's rate" : ''}) + the signatures' least cost ${whole(sig.perRequestUs)} µs (${share(sig.perRequestUs)}: two Ed25519 verifications at ${sig.ed25519VerifyUs.toFixed(0)} µs and one ES256 signature at ${sig.es256SignUs.toFixed(0)} µs, node:crypto on one core) + **${whole(own)} µs (${share(own)}) of kparty's own work**: parsing and DID resolution, the checks and policy, SQLite (challenge, policy, audit), the session token's claims, the thread-pool trips, garbage collection. The crypto bound of the goals counts the two verifications only: at ${(GOALS.sqliteShareOfCryptoBound * 100).toFixed(0)} % of it, with the ${sqlite.serverCoresBusy.toFixed(2)} cores kparty kept busy here (autocannon has the rest), a request may cost at most ${whole((sqlite.serverCoresBusy * 2 * sig.ed25519VerifyUs) / GOALS.sqliteShareOfCryptoBound)} µs of CPU — against ${whole(httpUs + sig.perRequestUs)} µs for the HTTP floor and the signatures alone.`,
      '',
    );
  }
  return lines;
}

function openLoopSection(open) {
  const lines = [
    '## 2b. Latency under a fixed offered load (open loop)',
    '',
    "One process on SQLite; requests fall due at a fixed rate — a fraction of the SQLite maximum measured above — whether or not earlier ones were answered, and each latency counts from the request's due time, so a stall is charged to every request that should have gone out during it (bench/lib/open-loop.mjs: raw keep-alive sockets, up to 64 connections, a 1 ms scheduling tick; autocannon's `overallRate` is not an open loop, it sends each second's quota in a burst). Every request answers its own fresh challenge.",
    '',
  ];
  if (!measured(open)) return [...lines, `Not measured: ${open?.failed ? open.error : (open?.reason ?? 'not run')}.`, ''];
  lines.push(
    row(
      'offered',
      'share of max',
      'answered',
      'p50',
      'p90',
      'p99',
      'max',
      'non-2xx / errors',
      'kparty CPU per request',
      'GC ms per s (pauses; major ms)',
      'event-loop delay p99 / max',
    ),
    row('---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'),
    ...open.runs.map((r) =>
      row(
        `${whole(r.offeredPerSecond)}/s`,
        pct(r.fraction),
        whole(r.answered),
        `${r.latencyMs.p50.toFixed(1)} ms`,
        `${r.latencyMs.p90.toFixed(1)} ms`,
        `**${r.latencyMs.p99.toFixed(1)} ms**`,
        `${r.latencyMs.max.toFixed(1)} ms`,
        `${r.non2xx} / ${r.errors}`,
        `${whole(r.serverCpuUsPerRequest)} µs`,
        r.server ? `${r.server.gcMsPerSecond.toFixed(1)} (${whole(r.server.gcPauses)}; ${r.server.majorGcMs.toFixed(0)})` : '–',
        r.server ? `${r.server.loopDelayMs.p99.toFixed(1)} / ${r.server.loopDelayMs.max.toFixed(1)} ms` : '–',
      ),
    ),
    '',
    "The last two columns are the server's own account of the run (its `GET /metrics`: prom-client's GC histogram and event-loop delay beyond its 10 ms sampling interval): when the event loop's delay p99 is near the requests' p99, the tail is made on the event loop (synchronous work: signatures run inline, SQLite statements, JSON, GC pauses); when it is far below, requests wait elsewhere (thread pool, sockets, the client).",
    '',
  );
  return lines;
}

function memoryVerdict(memory) {
  const { before, after, series } = memory;
  const didKey = after.didDocuments.key ?? 0;
  const cachesBounded = didKey <= 10_000 && after.importedKeys <= after.importedKeysCapacity;
  const half = series[Math.floor(series.length / 2) - 1] ?? series[0];
  const growth = after.rss - half.rss;
  const levelled = growth <= 0.1 * half.rss;
  return {
    bounded: cachesBounded && levelled,
    text: `RSS ${mib(before.rss)} → ${mib(after.rss)}, ${growth >= 0 ? '+' : ''}${mib(growth)} over the second half; heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)}; did:key documents ${whole(didKey)} (cap 10,000), imported keys ${whole(after.importedKeys)} (cap ${whole(after.importedKeysCapacity)})`,
  };
}

function memorySection(memory) {
  const lines = ['## 3. Memory', ''];
  if (failed(memory)) return [...lines, `Not measured: ${memory?.error ?? 'not run'}.`, ''];
  lines.push(
    `${whole(memory.verifications)} verify-and-issue calls (\`SignIn.signIn\`, SQLite storage, ${memory.concurrency} in flight) in one process, cycling through credentials of ${whole(memory.issuers)} distinct issuer did:keys (one holder), each presentation answering a fresh challenge; ${whole(memory.perSecond)} verifications/s. RSS and heap are read after a full garbage collection. The ${whole(memory.issuers)} credentials (a few MB) are held throughout; presentations are signed in batches of 1,000 just before use.`,
    '',
    row('after … verifications', 'RSS', 'heap used', 'external + array buffers', 'did:key documents cached', 'imported keys cached'),
    row('---:', '---:', '---:', '---:', '---:', '---:'),
    row(
      `warm-up (${whole(memory.before.verifications)})`,
      mib(memory.before.rss),
      mib(memory.before.heapUsed),
      mib(memory.before.external),
      whole(memory.before.didDocuments.key ?? 0),
      whole(memory.before.importedKeys),
    ),
    ...memory.series.map((p) =>
      row(
        whole(p.verifications - memory.before.verifications),
        mib(p.rss),
        mib(p.heapUsed),
        mib(p.external),
        whole(p.didDocuments.key ?? 0),
        whole(p.importedKeys),
      ),
    ),
    '',
    `${memoryVerdict(memory).text}. With ${whole(memory.issuers + 1)} DIDs in rotation against a 10,000-entry did:key LRU and a ${whole(memory.after.importedKeysCapacity)}-entry key LRU, every cache is full and evicting: this is the worst case for both, and the figures show what it costs in memory (bounded) and speed (every issuer's document and key rebuilt on each use).`,
    '',
  );
  return lines;
}

function profileTable(title, profile, description) {
  return [
    `### ${title}`,
    '',
    description,
    '',
    `**What it shows:** ${breakdown(profile)}`,
    '',
    row('area (who asked for the time)', 'share'),
    row('---', '---:'),
    ...profile.areas.slice(0, 10).map((a) => row(a.area, pct(a.share))),
    '',
    row('function (self time; native code named with its caller)', 'area', 'share'),
    row('---', '---', '---:'),
    ...profile.functions.slice(0, 12).map((f) => row(`\`${f.name.replaceAll('|', '\\|')}\``, f.area, pct(f.share))),
    '',
  ];
}

const STORAGE_PACKAGES = new Set(['better-sqlite3', 'pg', 'pg-protocol', 'pg-pool', 'ioredis']);
const HTTP_PACKAGES = new Set([
  'fastify',
  'find-my-way',
  'secure-json-parse',
  'avvio',
  '@fastify/middie',
  'toad-cache',
  'pino',
  'light-my-request',
  'fast-json-stringify',
]);

/** The profile's time in four parts a reader can act on. */
function breakdown(profile) {
  const parts = { signatures: 0, storage: 0, http: 0, verification: 0, other: 0 };
  for (const { area, share } of profile.allAreas ?? profile.areas) {
    if (area === 'kparty crypto/') parts.signatures += share;
    else if (area === 'kparty storage/' || STORAGE_PACKAGES.has(area)) parts.storage += share;
    else if (area.startsWith('node (') || area.startsWith('@nestjs/') || HTTP_PACKAGES.has(area) || area === 'kparty api/') parts.http += share;
    else if (area.startsWith('kparty ')) parts.verification += share;
    else parts.other += share;
  }
  const named = [
    ["signatures (node:crypto verifying and signing, and kparty's JWS code around it)", parts.signatures],
    ['storage (SQLite statements)', parts.storage],
    ["HTTP (Node's server, Fastify, NestJS)", parts.http],
    ['parsing, DID resolution, checks, policy evaluation, audit and session code', parts.verification],
    ['the rest (garbage collection, the profiler)', parts.other],
  ];
  return `${named
    .filter(([, share]) => share >= 0.0005)
    .map(([what, share]) => `${what} ${pct(share)}`)
    .join('; ')}.`;
}

function profileSection(profile) {
  const lines = ['## 4. Where the time goes (CPU profiles)', ''];
  if (failed(profile)) return [...lines, `Not measured: ${profile?.error ?? 'not run'}.`, ''];
  lines.push(
    `Profiles written to \`${profile.dir}\` (kept until the next run; open them in Chrome DevTools → Performance, or speedscope). Time spent in node:crypto, SQLite or a socket is charged to the kparty or package code that called it. On a busy machine a thread that loses its core mid-call is charged for the wait too, so shares there lean towards whatever runs most often.`,
    '',
    ...profileTable(
      'In process: verify-and-issue',
      profile.inProcess,
      `${whole(profile.inProcess.count)} \`SignIn.signIn\` calls on SQLite after a warm-up, the V8 sampling profiler over those calls only; ${profile.inProcess.totalMs.toFixed(0)} ms of samples on the main thread.`,
    ),
    ...profileTable(
      'Server under load: `node --cpu-prof dist/main.js`',
      profile.server,
      `${whole(profile.server.count)} verify requests at ${GOALS.connections} connections (${whole(profile.server.okPerSecond)}/s while profiled, non-2xx ${profile.server.non2xx}); challenges written straight into the SQLite file so the profile holds verifications only; samples from the first verification on (start-up left out); ${profile.server.totalMs.toFixed(0)} ms of samples.`,
    ),
  );
  return lines;
}

const DESIGN = [
  '## What the hot path is built on',
  '',
  'Not measured here, but what the figures rest on (docs/architecture.md has the reasons):',
  '',
  "- **Signatures with node:crypto, placed by load.** `KeyObject`s imported once per key (a 2,000-entry LRU, `src/crypto/imported-key-cache.ts`); each signature operation runs on libuv's thread pool when the event loop is busy (over 75 % utilisation) and other requests' operations are in flight — another core verifies while the event loop serves them — and inline when the loop has time to spare or would only wait: a trip to the pool costs CPU of its own (`src/crypto/offload-policy.ts`). The session token is signed the same way (`src/crypto/jwt-signer.ts`). jose remains the reference the tests verify against.",
  '- **did:key resolved without I/O** and its documents kept (10,000-entry LRU, frozen).',
  "- **One decoding of the presentation**: the format registry's recognise-then-parse shares one base64url + JSON decoding (`src/formats/jwt-parts.ts`).",
  '- **SQLite `synchronous = NORMAL`** in WAL mode, **one commit per event-loop turn**: no fsync per commit; the challenges consumed and the audit events recorded by the requests of one turn are committed in one transaction before any of them is answered (`src/storage/sqlite/write-batch.ts`); the file stays consistent, a power loss can roll back the last commits.',
  '- **No per-request log lines at LOG_LEVEL info**: Fastify\'s "incoming request"/"request completed" lines only at debug or trace; failures are still logged with their request id.',
  '',
];

function sdJwtVcSection(sdJwtVc) {
  const lines = [
    '## 7. dc+sd-jwt (SD-JWT VC) in process',
    '',
    'One SD-JWT VC presentation (ES256 issuer, 4 of 8 selectively disclosable claims presented, one of them nested, KB-JWT ES256), issued and presented with @sd-jwt/sd-jwt-vc, verified one at a time by both sides from the same string. The peer is @sd-jwt/sd-jwt-vc 0.19 `SDJwtVcInstance.verify` with `keyBindingNonce` (issuer signature, disclosures, KB-JWT signature, nonce and sd_hash) and verifiers from @sd-jwt/crypto-nodejs; kparty is `verifySdJwtVc` of dist/formats/sd-jwt-vc (caps, typ, issuer signature by the pinned-key route, every digest by hand, KB-JWT signature, sd_hash and iat, holder thumbprint, processed claims).',
    '',
  ];
  if (failed(sdJwtVc)) return [...lines, `Not measured: ${sdJwtVc?.error ?? 'not run'}.`, ''];
  const { kparty, peer } = sdJwtVc.medians;
  const ratio = kparty.cpu / peer.cpu;
  return [
    ...lines,
    row('verifier', 'verifications/s', 'per CPU-second', 'vs peer (CPU)'),
    row('---', '---:', '---:', '---:'),
    row('peer: @sd-jwt/sd-jwt-vc `SDJwtVcInstance.verify` with KB', whole(peer.wall), whole(peer.cpu), times(1)),
    row('**kparty**: `verifySdJwtVc` (dist/formats/sd-jwt-vc)', whole(kparty.wall), whole(kparty.cpu), times(ratio)),
    '',
    `Goal: ≥ ${SD_JWT_VC_GOAL_RATIO}× the peer per CPU-second — ${yesNo(ratio >= SD_JWT_VC_GOAL_RATIO)}. ${sdJwtVc.rounds} rounds of ${sdJwtVc.perRound} verifications per side after ${sdJwtVc.warmup} warm-up verifications each; the presentation is ${whole(sdJwtVc.characters)} characters with ${sdJwtVc.disclosures} disclosures.`,
    '',
  ];
}

function mdocSection(mdoc) {
  const lines = [
    '## 5. mso_mdoc DeviceResponses in process',
    '',
    "One mDL DeviceResponse (ES256, 7 elements, IACA → document signer, device signature over the OpenID4VP 1.0 session transcript), made by @owf/mdoc's own issuer and wallet functions, verified one at a time by both sides from the same base64url `vp_token` value. The peer is @owf/mdoc 0.6.0 `Verifier.verifyDeviceResponse` with its crypto context on node:crypto; kparty is `verifyDeviceResponse` of dist/formats/mdoc (CBOR pre-scan, RFC 5280 path validation through src/trust, IssuerAuth, digests, validity, DeviceAuth, claims).",
    '',
  ];
  if (failed(mdoc)) return [...lines, `Not measured: ${mdoc?.error ?? 'not run'}.`, ''];
  const { kparty, peer } = mdoc.medians;
  const ratio = kparty.cpu / peer.cpu;
  lines.push(
    row('what', 'verifications / s', 'per CPU-second', '× peer per CPU-s'),
    row('---', '---:', '---:', '---:'),
    row('peer: @owf/mdoc `Verifier.verifyDeviceResponse`', whole(peer.wall), whole(peer.cpu), times(1)),
    row('**kparty**: `verifyDeviceResponse` (dist/formats/mdoc)', whole(kparty.wall), whole(kparty.cpu), times(ratio)),
    '',
    `Goal: ≥ ${MDOC_GOAL_RATIO}× the peer per CPU-second — ${yesNo(ratio >= MDOC_GOAL_RATIO)}. ${mdoc.rounds} rounds of ${mdoc.perRound} verifications per side after ${mdoc.warmup} warm-up verifications each; the DeviceResponse is ${whole(mdoc.bytes)} bytes.`,
    '',
  );
  return lines;
}

function ldpVcSection(ldp) {
  if (ldp === undefined) return [];
  const lines = [
    '## 6. Data Integrity (`ldp_vp`): proofs verified per CPU-second',
    '',
    'One presentation at a time, the same VP for every line: VC-DM 2.0, signed by @digitalbazaar/vc with eddsa-rdfc-2022 (did:key Ed25519 holder), carrying one credential signed the same way — two proofs. A measurement, not a target: RDF canonicalisation dominates both sides.',
    '',
  ];
  if (failed(ldp)) return [...lines, `Not measured: ${ldp?.error ?? 'not run'}.`, ''];
  const m = ldp.medians;
  lines.push(row('what', 'per CPU-second', 'per second (wall)', '× peer per CPU-s'), row('---', '---:', '---:', '---:'));
  const line = (label, r) => row(label, whole(r.cpu), whole(r.wall), times(r.cpu / m.peer.cpu));
  lines.push(
    line('**peer**: @digitalbazaar/vc `verify` (VP + credential proofs, challenge, domain)', m.peer),
    line('**kparty**: the ldp_vp format handler — parse, DID resolution, holder and issuer proofs (caps, pinned contexts)', m.kpartyRdfc),
    line('kparty, the same VP under eddsa-jcs-2022 (safe-mode JSON-LD expansion, no RDF)', m.kpartyJcs),
    line('where the time goes: RDFC-1.0 canonicalisation of the four documents one verification canonicalises', m.canonicalisation),
    line('… of which JSON-LD → RDF (jsonld.js `toRDF`, safe mode) alone', m.toRdf),
    line('raw bound: two node:crypto Ed25519 verifications', m.rawBound),
    '',
    `${ldp.rounds} rounds of ${ldp.perRound} after ${ldp.warmup} warm-up; medians. Read the rows as costs: 1/rate is the CPU time of one operation.`,
    '',
  );
  return lines;
}

export function renderReport(results) {
  return [
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (bench/index.mjs); rerun it rather than editing this file. -->',
    '',
    `Measured by \`npm run bench\` on ${results.startedAt.slice(0, 10)}. Every figure below comes from this one run, the peer baseline included.`,
    '',
    ...machineSection(results),
    ...goalsSection(results),
    ...inProcessSection(results.inProcess),
    ...httpSection(results.http),
    ...httpFloorSection(results.httpFloor, results.http?.[0]),
    ...openLoopSection(results.openLoop),
    ...memorySection(results.memory),
    ...profileSection(results.profile),
    ...mdocSection(results.mdoc),
    ...ldpVcSection(results.ldpVc),
    ...sdJwtVcSection(results.sdJwtVc),
    ...DESIGN,
    '## Reproduce',
    '',
    '```sh',
    'npm ci',
    'npm run bench                 # everything, ≈ 5–8 minutes on 2 cores; rewrites docs/benchmarks.md',
    'npm run bench -- --quick      # smaller runs, to try a change (the report says it was quick)',
    'npm run bench -- --only=in-process,memory --no-write',
    '```',
    '',
    'The benchmark builds dist/ when it is stale and drives the built service; it needs nothing but loopback. The 2-process figures need PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379), as the test suite does. Close other work first: every figure is sensitive to other load on the machine, the rates most.',
    '',
  ].join('\n');
}
