/**
 * Section 3, memory: resident set size before and after 100,000
 * verify-and-issue calls (SignIn.signIn on SQLite, in process)
 * cycling through credentials from 10,000 distinct issuer DIDs, with the
 * sizes of the caches the verification path keeps. The caches are bounded
 * LRUs (10,000 did:key documents, 2,000 imported keys): with 10,001 DIDs in
 * rotation they churn, and RSS must level off rather than grow.
 *
 * Run with --expose-gc: RSS and heap are read after a full collection.
 * Presentations are signed in batches just before use, so the figure is not
 * inflated by 100,000 pre-signed tokens; the 10,000 credentials (≈ 8 MB) are
 * held throughout, inside "before" as well as "after".
 */
import { performance } from 'node:perf_hooks';
import { sharedImportedKeyCache } from '../../dist/crypto/jws-verifier.js';
import { ed25519Identity, issueEmployeeCredential } from '../lib/identities.mjs';
import { AUDIENCE, composeKparty } from '../lib/kparty-core.mjs';
import { fastPresenter } from '../lib/presentations.mjs';
import { runIfMain } from '../lib/section.mjs';
import { inParallel } from '../lib/service.mjs';

function snapshot(core, done) {
  globalThis.gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const keys = sharedImportedKeyCache();
  return {
    verifications: done,
    rss,
    heapUsed,
    external: external + arrayBuffers,
    didDocuments: core.deps.dids.cachedDocuments,
    importedKeys: keys.size,
    importedKeysCapacity: keys.capacity,
  };
}

export async function run({ issuers = 10_000, verifications = 100_000, batch = 1000, concurrency = 8, samples = 10 } = {}) {
  if (typeof globalThis.gc !== 'function') throw new Error('run the memory section with --expose-gc');
  const core = await composeKparty('sqlite');
  try {
    const holder = ed25519Identity();
    const setupStart = performance.now();
    const credentials = [];
    for (let i = 0; i < issuers; i++) credentials.push(await issueEmployeeCredential(ed25519Identity(), holder.did));
    const present = await fastPresenter(holder, [credentials[0]]);
    console.log(`memory: ${issuers} issuers and credentials made in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

    let done = 0;
    /** Verifies `count` presentations, each carrying the next credential in rotation. */
    const verifyBatch = async (count) => {
      const nonces = [];
      for (let i = 0; i < count; i++) nonces.push(await core.challenge());
      const first = done;
      await inParallel(count, concurrency, async (i) => {
        const vp = present([credentials[(first + i) % credentials.length]], nonces[i], AUDIENCE);
        const outcome = await core.signIn(vp, `memory-${first + i}`);
        if (!outcome.verified) throw new Error('memory: a verification failed');
      });
      done += count;
    };

    // Warm-up: one pass over the first credentials, so "before" has code compiled and SQLite pages cached.
    await verifyBatch(batch);
    const before = snapshot(core, done);
    const series = [];
    const every = Math.max(batch, Math.floor(verifications / samples / batch) * batch);
    const start = performance.now();
    const target = done + verifications;
    // Bounded: exactly `verifications` more, in batches.
    while (done < target) {
      await verifyBatch(Math.min(batch, target - done));
      if ((done - before.verifications) % every === 0 || done === target) {
        const point = snapshot(core, done);
        series.push(point);
        console.log(
          `memory: ${done - before.verifications} verifications, RSS ${(point.rss / 1048576).toFixed(1)} MiB, heap ${(point.heapUsed / 1048576).toFixed(1)} MiB, did:key docs ${point.didDocuments.key}, keys ${point.importedKeys}`,
        );
      }
    }
    const elapsedS = (performance.now() - start) / 1000;
    const after = snapshot(core, done);
    return { issuers, verifications, concurrency, elapsedS, perSecond: verifications / elapsedS, before, after, series };
  } finally {
    await core.close();
  }
}

await runIfMain(import.meta.url, run);
