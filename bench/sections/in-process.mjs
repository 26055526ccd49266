/**
 * Section 1, in-process verifications per second, one core, one verification
 * at a time, the same VP-JWTs for every side (did-jwt-vc VP carrying one
 * did-jwt-vc VC, EdDSA, did:key holder and issuer):
 *
 * - raw bound: node:crypto Ed25519 verifications per second of the VP's own
 *   signing input, ÷ 2 (a presentation carries two signatures);
 * - peer, fair: did-jwt-vc `verifyPresentation` + `verifyCredential` of the
 *   embedded VC (both signatures), resolver did-resolver + key-did-resolver;
 * - peer, VP only: did-jwt-vc `verifyPresentation` alone (checks the VP's
 *   signature, not the credential's);
 * - kparty checks: `verifyPresentation` of dist/verification — the service's
 *   ordered checks table with its real format registry, DID resolver and
 *   policy evaluation — each VP answering a fresh challenge consumed from the
 *   memory NonceStore;
 * - kparty verify-and-issue: the sign-in use case (`SignIn.signIn`), what
 *   POST /v1/presentations/verify runs without HTTP: policy lookup, the
 *   checks, challenge consumed from SQLite, audit event written to SQLite,
 *   ES256 session token signed.
 *
 * Each side gets a warm-up, then `rounds` rounds of `perRound` verifications,
 * the sides interleaved within each round; the median round is reported.
 */
import { performance } from 'node:perf_hooks';
import { verify } from 'node:crypto';
import { verifyCredential, verifyPresentation as didJwtVerifyPresentation } from 'did-jwt-vc';
import { Resolver } from 'did-resolver';
import { getResolver } from 'key-did-resolver';
import { signatureOperationCounts } from '../../dist/crypto/node-signatures.js';
import { verifyPresentation } from '../../dist/verification/verify-presentation.js';
import { ed25519Identity, issueEmployeeCredential } from '../lib/identities.mjs';
import { AUDIENCE, composeKparty } from '../lib/kparty-core.mjs';
import { fastPresenter } from '../lib/presentations.mjs';
import { runIfMain } from '../lib/section.mjs';
import { median, perSecond } from '../lib/stats.mjs';

/**
 * Times `count` calls of `once(i)`, awaited one after the other: operations
 * per wall-clock second, and per CPU second of this process (all its threads),
 * which other load on a shared machine disturbs far less.
 */
async function timeSequential(count, once) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) await once(i);
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: perSecond(count, wallMs), cpu: perSecond(count, (cpu.user + cpu.system) / 1000) };
}

/** node:crypto Ed25519 verifies per (wall and CPU) second of a real VP signature, over `windowMs`. */
function rawEd25519Rate(vp, holderPublicKey, windowMs) {
  const lastDot = vp.lastIndexOf('.');
  const data = Buffer.from(vp.slice(0, lastDot));
  const signature = Buffer.from(vp.slice(lastDot + 1), 'base64url');
  let count = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + windowMs;
  // Bounded: stops at the end of the window.
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) if (!verify(null, data, holderPublicKey, signature)) throw new Error('raw verify failed');
    count += 100;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall: perSecond(count, performance.now() - start), cpu: perSecond(count, (cpu.user + cpu.system) / 1000) };
}

export async function run({ rounds = 5, perRound = 600, warmup = 300 } = {}) {
  const issuer = ed25519Identity();
  const holder = ed25519Identity();
  const credential = await issueEmployeeCredential(issuer, holder.did);
  const presentWith = await fastPresenter(holder, [credential]);
  const present = (nonce, aud) => presentWith([credential], nonce, aud);
  const checks = await composeKparty('memory');
  const service = await composeKparty('sqlite');
  const peerResolver = new Resolver(getResolver(), { cache: true });

  /** `count` VPs answering fresh challenges of `core`, with their nonces. */
  const presentations = async (core, count) => {
    const list = [];
    for (let i = 0; i < count; i++) {
      const nonce = await core.challenge();
      list.push({ nonce, vp: present(nonce, AUDIENCE) });
    }
    return list;
  };

  const sides = {
    peerFair: async ({ vp, nonce }) => {
      const result = await didJwtVerifyPresentation(vp, peerResolver, { audience: AUDIENCE, challenge: nonce });
      for (const vc of result.payload.vp.verifiableCredential) {
        const checked = await verifyCredential(vc, peerResolver);
        if (!checked.verified) throw new Error('peer: credential not verified');
      }
    },
    peerVpOnly: async ({ vp, nonce }) => {
      const result = await didJwtVerifyPresentation(vp, peerResolver, { audience: AUDIENCE, challenge: nonce });
      if (!result.verified) throw new Error('peer: presentation not verified');
    },
    kpartyChecks: async ({ vp }) => {
      const report = await verifyPresentation(vp, checks.storedPolicy, checks.deps);
      if (!report.verified) throw new Error(`kparty rejected: ${JSON.stringify(report.failures)}`);
    },
    kpartyService: async ({ vp }, i) => {
      const outcome = await service.signIn(vp, `bench-${i}`);
      if (!outcome.session.token) throw new Error('kparty issued no session');
    },
  };
  const poolOf = { peerFair: checks, peerVpOnly: checks, kpartyChecks: checks, kpartyService: service };

  for (const [name, once] of Object.entries(sides)) {
    const pool = await presentations(poolOf[name], warmup);
    await timeSequential(warmup, (i) => once(pool[i], i));
  }
  const rates = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, once] of Object.entries(sides)) {
      const pool = await presentations(poolOf[name], perRound);
      rates[name].push(await timeSequential(perRound, (i) => once(pool[i], i)));
    }
    console.log(
      `in-process round ${round + 1}/${rounds}: ${Object.entries(rates)
        .map(([n, r]) => `${n} ${Math.round(r.at(-1).wall)}/s (${Math.round(r.at(-1).cpu)}/cpu-s)`)
        .join(', ')}`,
    );
  }

  const sample = present('raw-bound', AUDIENCE);
  const rawRounds = Array.from({ length: rounds }, () => rawEd25519Rate(sample, holder.publicKey, 400));

  await checks.close();
  await service.close();
  const signatureOperations = signatureOperationCounts();
  const medianOf = (list) => ({ wall: median(list.map((r) => r.wall)), cpu: median(list.map((r) => r.cpu)) });
  const raw = medianOf(rawRounds);
  return {
    rounds,
    perRound,
    warmup,
    rawEd25519: raw,
    rawBound: { wall: raw.wall / 2, cpu: raw.cpu / 2 },
    signatureOperations,
    medians: Object.fromEntries(Object.entries(rates).map(([name, list]) => [name, medianOf(list)])),
    all: rates,
  };
}

await runIfMain(import.meta.url, run);
