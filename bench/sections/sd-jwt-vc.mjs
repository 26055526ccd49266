/**
 * Section 7, dc+sd-jwt in process: verifications of one SD-JWT VC
 * presentation (ES256 issuer, 6 claims selectively disclosed of which 4 are
 * presented, one nested, KB-JWT ES256) per second and per CPU-second, one at a
 * time:
 *
 * - peer: @sd-jwt/sd-jwt-vc 0.19 `SDJwtVcInstance.verify` with the KB-JWT
 *   checked (`keyBindingNonce`), its verifiers from @sd-jwt/crypto-nodejs;
 * - kparty: `verifySdJwtVc` of dist/formats/sd-jwt-vc — caps, typ, the
 *   issuer signature by the pinned-key route (src/trust/issuer-keys.ts),
 *   every disclosure digest by hand, the KB-JWT (signature, sd_hash, iat),
 *   the holder's RFC 9278 thumbprint and the processed claims; the nonce is
 *   compared as the challenge check would.
 *
 * Both get the same string; warm-up, then `rounds` rounds of `perRound`, the
 * two sides taking turns; the median round counts.
 */
import { performance } from 'node:perf_hooks';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { DidResolver } from '../../dist/did/did-resolver.js';
import { verifySdJwtVc } from '../../dist/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { TrustAnchorStore } from '../../dist/trust/trust-anchors.js';
import { runIfMain } from '../lib/section.mjs';
import { median, perSecond } from '../lib/stats.mjs';

async function timeSequential(count, once) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) await once(i);
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: perSecond(count, wallMs), cpu: perSecond(count, (cpu.user + cpu.system) / 1000) };
}

const ISS = 'https://issuer.bench.example';
const NONCE = 'bench-nonce-0123456789abcdefghijklmnopqrstuv';
const AUD = 'https://verifier.bench.example';

export async function run({ rounds = 5, perRound = 300, warmup = 300 } = {}) {
  const hasher = (data, alg) => digest(data, alg);
  const issuerKeys = await ES256.generateKeyPair();
  const holderKeys = await ES256.generateKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const issuer = new SDJwtVcInstance({
    signer: await ES256.getSigner(issuerKeys.privateKey),
    signAlg: 'ES256',
    hasher,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
  });
  const credential = await issuer.issue(
    {
      iss: ISS,
      iat: now - 60,
      vct: 'urn:eudi:pid:1',
      cnf: { jwk: holderKeys.publicKey },
      given_name: 'Erika',
      family_name: 'Mustermann',
      birthdate: '1964-08-12',
      email: 'erika@example.com',
      address: { locality: 'Berlin', country: 'DE' },
      nationalities: ['DE'],
    },
    { _sd: ['given_name', 'family_name', 'birthdate', 'email', 'address', 'nationalities'], address: { _sd: ['locality', 'country'] } },
  );
  const wallet = new SDJwtVcInstance({ hasher, kbSigner: await ES256.getSigner(holderKeys.privateKey), kbSignAlg: 'ES256' });
  const presentation = await wallet.present(
    credential,
    { given_name: true, family_name: true, birthdate: true, address: { country: true } },
    { kb: { payload: { nonce: NONCE, aud: AUD, iat: now } } },
  );

  const env = {
    dids: new DidResolver([]),
    anchors: TrustAnchorStore.empty(),
    clockSkewSeconds: 60,
    keyBindingMaxAgeSeconds: 300,
    pinned: [{ id: ISS, jwks: { keys: [issuerKeys.publicKey] } }],
  };
  const kparty = async () => {
    const result = await verifySdJwtVc(presentation, { ...env, now: Date.now() });
    if (!result.ok || result.credential.nonce !== NONCE || result.credential.audience !== AUD)
      throw new Error(`kparty refused the presentation: ${JSON.stringify(result)}`);
  };
  const verifier = new SDJwtVcInstance({
    hasher,
    verifier: await ES256.getVerifier(issuerKeys.publicKey),
    kbVerifier: await ES256.getVerifier(holderKeys.publicKey),
  });
  const peer = async () => {
    const result = await verifier.verify(presentation, { keyBindingNonce: NONCE, currentDate: Math.floor(Date.now() / 1000) });
    if (!result.kb) throw new Error('the peer did not check the KB-JWT');
  };

  for (let i = 0; i < warmup; i++) {
    await kparty();
    await peer();
  }
  const all = { kparty: [], peer: [] };
  for (let round = 0; round < rounds; round++) {
    all.peer.push(await timeSequential(perRound, peer));
    all.kparty.push(await timeSequential(perRound, kparty));
  }
  const pick = (list, key) => median(list.map((r) => r[key]));
  const medians = Object.fromEntries(Object.entries(all).map(([name, list]) => [name, { wall: pick(list, 'wall'), cpu: pick(list, 'cpu') }]));
  return { rounds, perRound, warmup, characters: presentation.length, disclosures: presentation.split('~').length - 2, medians, all };
}

await runIfMain(import.meta.url, run);
