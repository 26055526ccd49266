/**
 * Where the time goes: two CPU profiles, summarised by bench/lib/cpu-profile.mjs.
 *
 * - in-process: the V8 sampling profiler (inspector protocol, the profiler
 *   behind `node --cpu-prof`) over `perRound` verify-and-issue calls on
 *   SQLite, after a warm-up — no module loading or pre-signing in it;
 * - server: `node --cpu-prof dist/main.js` under autocannon load (32
 *   connections). Its challenges are written straight into its SQLite file
 *   through the built SqliteNonceStore (a second connection; WAL lets two
 *   processes share the file), so the profile holds verifications, not
 *   challenge requests; it does include the start-up.
 *
 * The .cpuprofile files stay in a temporary folder (open them in Chrome
 * DevTools or speedscope); the summary goes into docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '../../dist/storage/sqlite/database.js';
import { SqliteNonceStore } from '../../dist/storage/sqlite/sqlite-nonce-store.js';
import { SqliteWriteBatch } from '../../dist/storage/sqlite/write-batch.js';
import { summariseCpuProfile } from '../lib/cpu-profile.mjs';
import { ed25519Identity, issueEmployeeCredential } from '../lib/identities.mjs';
import { profiled } from '../lib/inspector-profile.mjs';
import { AUDIENCE, POLICY_ID, composeKparty } from '../lib/kparty-core.mjs';
import { sendAll } from '../lib/load.mjs';
import { fastPresenter } from '../lib/presentations.mjs';
import { runIfMain } from '../lib/section.mjs';
import { ROOT } from '../lib/service.mjs';
import { definePolicy, startSqliteSingle } from '../lib/topologies.mjs';

async function presenter() {
  const issuer = ed25519Identity();
  const holder = ed25519Identity();
  const credential = await issueEmployeeCredential(issuer, holder.did);
  const presentWith = await fastPresenter(holder, [credential]);
  return (nonce) => presentWith([credential], nonce, AUDIENCE);
}

async function profileInProcess(dir, { warmup, count }) {
  const core = await composeKparty('sqlite');
  try {
    const present = await presenter();
    const make = async (n) => {
      const list = [];
      for (let i = 0; i < n; i++) list.push(present(await core.challenge()));
      return list;
    };
    const verifyAll = async (vps) => {
      for (const [i, vp] of vps.entries()) await core.signIn(vp, `profile-${i}`);
    };
    await verifyAll(await make(warmup));
    const vps = await make(count);
    const file = join(dir, 'in-process.cpuprofile');
    await profiled(file, () => verifyAll(vps));
    return { file, count, ...summariseCpuProfile(file, ROOT) };
  } finally {
    await core.close();
  }
}

async function profileServer(dir, { count, connections }) {
  const profileDir = join(dir, 'server');
  mkdirSync(profileDir, { recursive: true });
  const cluster = await startSqliteSingle({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
  let stopped = false;
  try {
    const [service] = cluster.processes;
    await definePolicy(service.baseUrl);
    const present = await presenter();
    const db = openSqliteDatabase(cluster.databasePath);
    const bodies = [];
    try {
      const nonces = new SqliteNonceStore(db, new SqliteWriteBatch(db));
      const now = Date.now();
      for (let i = 0; i < count; i++) {
        const nonce = randomBytes(32).toString('base64url');
        await nonces.issue({ nonce, policyId: POLICY_ID, domain: AUDIENCE, createdAt: now, expiresAt: now + 600_000 });
        bodies.push(Buffer.from(JSON.stringify({ policy: POLICY_ID, presentation: present(nonce) })));
      }
    } finally {
      db.close();
    }
    const load = await sendAll([service.baseUrl], [bodies], { connections });
    // The profile is written when the process exits.
    await cluster.stop();
    stopped = true;
    const [name] = readdirSync(profileDir).filter((n) => n.endsWith('.cpuprofile'));
    if (!name) throw new Error('the server wrote no CPU profile');
    const file = join(profileDir, name);
    return { file, count, okPerSecond: load.okPerSecond, non2xx: load.non2xx, ...summariseCpuProfile(file, ROOT, { from: 'verifyPresentation' }) };
  } finally {
    if (!stopped) await cluster.stop();
  }
}

const PROFILE_DIR_PREFIX = 'kparty-bench-profiles-';

export async function run({ warmup = 1000, count = 3000, serverRequests = 6000, connections = 32 } = {}) {
  // Only the latest run's profiles are kept.
  for (const name of readdirSync(tmpdir())) {
    if (name.startsWith(PROFILE_DIR_PREFIX)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  const dir = join(tmpdir(), `${PROFILE_DIR_PREFIX}${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const inProcess = await profileInProcess(dir, { warmup, count });
  console.log(`profile: in-process written to ${inProcess.file}`);
  const server = await profileServer(dir, { count: serverRequests, connections });
  console.log(`profile: server written to ${server.file}`);
  return { dir, inProcess, server };
}

await runIfMain(import.meta.url, run);
