/**
 * Section 5, Data Integrity (`ldp_vp` / `ldp_vc`): in-process proof
 * verifications per second, one at a time, the same presentation for every
 * line — a VC-DM 2.0 VP signed by @digitalbazaar/vc (eddsa-rdfc-2022, did:key
 * Ed25519 holder) carrying one credential signed the same way by a did:key
 * issuer; two proofs per presentation:
 *
 * - peer: @digitalbazaar/vc `verify` (VP proof + the credential's proof,
 *   challenge and domain checked), its document loader serving the same
 *   pinned contexts and the did:key documents from memory;
 * - kparty: the ldp_vp format handler (dist/formats/data-integrity): parse,
 *   DID resolution by kparty's resolver (as the "resolve DIDs" check does),
 *   holder proof and issuer proof — caps, pinned-context check, both proofs;
 *   the challenge/audience comparison is the checks table's and costs nothing;
 * - where the time goes: kparty's RDFC-1.0 canonicalisation alone (the VP
 *   without its proof + the credential + both proof configurations, what one
 *   verification canonicalises), JSON-LD → RDF alone (jsonld.js toRDF), and
 *   the raw bound of two Ed25519 signatures;
 * - the same presentation under eddsa-jcs-2022 (no RDF at all) for contrast.
 *
 * Each line gets a warm-up, then `rounds` rounds of `perRound`; medians.
 */
import { performance } from 'node:perf_hooks';
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { createSignCryptosuite as eddsaJcsSign } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import jsonld from 'jsonld';
import { DidResolver } from '../../dist/did/did-resolver.js';
import { DidKeyResolver } from '../../dist/did/methods/key.js';
import { JsonLdContextSet } from '../../dist/formats/data-integrity/json-ld-contexts.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from '../../dist/formats/data-integrity/document-caps.js';
import { canonizeRdfc } from '../../dist/formats/data-integrity/canonicalize.js';
import { parseLdpPresentation } from '../../dist/formats/data-integrity/ldp-documents.js';
import { dataIntegrityHandler } from '../../dist/formats/data-integrity/ldp-format.js';
import { runIfMain } from '../lib/section.mjs';
import { median, perSecond } from '../lib/stats.mjs';

const CHALLENGE = 'bench-challenge';
const DOMAIN = 'https://rp.example';

async function timeSequential(count, once) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) await once(i);
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: perSecond(count, wallMs), cpu: perSecond(count, (cpu.user + cpu.system) / 1000) };
}

export async function run({ rounds = 5, perRound = 100, warmup = 100 } = {}) {
  const contexts = JsonLdContextSet.bundled();
  const documents = new Map();
  const keyOf = async () => {
    const generated = await Ed25519Multikey.generate();
    const did = `did:key:${generated.publicKeyMultibase}`;
    const id = `${did}#${generated.publicKeyMultibase}`;
    const keyPair = await Ed25519Multikey.from({
      ...(await generated.export({ publicKey: true, secretKey: true, includeContext: true })),
      id,
      controller: did,
    });
    const method = {
      '@context': 'https://w3id.org/security/multikey/v1',
      ...(await keyPair.export({ publicKey: true, includeContext: false })),
      id,
      type: 'Multikey',
      controller: did,
    };
    documents.set(id, method);
    documents.set(did, {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [method],
      assertionMethod: [id],
      authentication: [id],
    });
    return { did, keyPair };
  };
  const documentLoader = async (url) => {
    if (contexts.has(url)) return contexts.loader(url);
    const found = documents.get(url) ?? documents.get(url.split('#')[0]);
    if (found) return { contextUrl: null, documentUrl: url, document: found };
    throw new Error(`bench loader: ${url} unknown`);
  };

  const issuer = await keyOf();
  const holder = await keyOf();
  const sign = async (suite) => {
    const suiteFor = (key) =>
      new DataIntegrityProof({ signer: key.keyPair.signer(), cryptosuite: suite === 'rdfc' ? eddsaRdfc2022 : eddsaJcsSign(), date: '2026-06-01T00:00:00Z' });
    const credential = await vc.issue({
      credential: {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        id: 'urn:uuid:0b9c8a3e-2f43-4e7b-9d7a-1c2b3d4e5f60',
        type: ['VerifiableCredential'],
        issuer: issuer.did,
        validFrom: '2026-01-01T00:00:00Z',
        credentialSubject: { id: holder.did, name: 'Alice Example', description: 'Employee of Example Corp' },
      },
      suite: suiteFor(issuer),
      documentLoader,
    });
    const presentation = vc.createPresentation({ verifiableCredential: [credential], holder: holder.did, version: 2.0 });
    return vc.signPresentation({ presentation, suite: suiteFor(holder), challenge: CHALLENGE, domain: DOMAIN, documentLoader });
  };
  const rdfcVp = await sign('rdfc');
  const jcsVp = await sign('jcs');

  const env = { limits: DEFAULT_DATA_INTEGRITY_LIMITS };
  const handler = dataIntegrityHandler({ contexts, limits: DEFAULT_DATA_INTEGRITY_LIMITS });
  const resolver = new DidResolver([new DidKeyResolver()]);
  const scope = { index: 0, path: 'presentation', credentialPath: (i) => `credentials[${i}]` };
  const kparty = (vp) => async () => {
    const parsed = parseLdpPresentation(vp, scope);
    if (!parsed.ok) throw new Error('kparty: not parsed');
    const presentation = parsed.presentation;
    const documents = new Map();
    for (const did of [presentation.holder, ...presentation.credentials.map((c) => c.issuer)]) {
      const resolution = await resolver.resolve(did);
      documents.set(did, resolution.ok ? resolution.document : null);
    }
    const proofEnv = {
      now: Date.parse('2026-06-02T00:00:00Z'),
      clockSkewSeconds: 60,
      binding: { nonce: CHALLENGE, audience: DOMAIN },
      didDocument: (did) => documents.get(did),
      queriesFor: () => [],
    };
    const [holderFailures, ...credentialFailures] = await Promise.all([
      handler.verifyHolderProof(presentation, proofEnv),
      ...presentation.credentials.map((c) => handler.verifyIssuerProof(c, proofEnv)),
    ]);
    if (presentation.challenge.nonce !== CHALLENGE || !presentation.challenge.audience.includes(DOMAIN)) throw new Error('kparty: wrong binding');
    if (holderFailures.length > 0 || credentialFailures.flat().length > 0)
      throw new Error(`kparty rejected: ${JSON.stringify([holderFailures, credentialFailures])}`);
  };
  const peerSuite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const peer = async () => {
    // A fresh copy each time: the library caches a document hash on the suite keyed by object identity.
    const result = await vc.verify({
      presentation: globalThis.structuredClone(rdfcVp),
      challenge: CHALLENGE,
      domain: DOMAIN,
      suite: peerSuite,
      documentLoader,
    });
    if (!result.verified) throw new Error(`peer rejected: ${JSON.stringify(result.error ?? result)}`);
  };
  // What one verification canonicalises: the VP without its proof (credential embedded), its proof configuration,
  // the credential without its proof, its proof configuration.
  const { proof: vpProof, ...vpUnsecured } = rdfcVp;
  const credential = rdfcVp.verifiableCredential[0];
  const { proof: vcProof, ...vcUnsecured } = credential;
  const configOf = (proof, document) => {
    const options = { ...proof, '@context': document['@context'] };
    delete options.proofValue;
    return options;
  };
  const canonicalisation = async () => {
    await Promise.all([
      canonizeRdfc(vpUnsecured, contexts, env.limits),
      canonizeRdfc(configOf(vpProof, rdfcVp), contexts, env.limits),
      canonizeRdfc(vcUnsecured, contexts, env.limits),
      canonizeRdfc(configOf(vcProof, credential), contexts, env.limits),
    ]);
  };
  const toRdf = async () => {
    for (const document of [vpUnsecured, configOf(vpProof, rdfcVp), vcUnsecured, configOf(vcProof, credential)]) {
      await jsonld.toRDF(document, { documentLoader: contexts.loader, safe: true, base: null, rdfDirection: 'i18n-datatype', produceGeneralizedRdf: false });
    }
  };
  const raw = generateKeyPairSync('ed25519');
  const rawData = new Uint8Array(64).fill(7);
  const rawSignature = nodeSign(null, rawData, raw.privateKey);
  const rawKey = raw.publicKey;
  const rawBound = async () => {
    if (!nodeVerify(null, rawData, rawKey, rawSignature) || !nodeVerify(null, rawData, rawKey, rawSignature)) throw new Error('raw verify failed');
  };

  const sides = { peer, kpartyRdfc: kparty(rdfcVp), kpartyJcs: kparty(jcsVp), canonicalisation, toRdf, rawBound };
  for (const once of Object.values(sides)) await timeSequential(warmup, once);
  const rates = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, once] of Object.entries(sides)) rates[name].push(await timeSequential(name === 'rawBound' ? perRound * 20 : perRound, once));
    console.log(
      `ldp round ${round + 1}/${rounds}: ${Object.entries(rates)
        .map(([n, r]) => `${n} ${Math.round(r.at(-1).cpu)}/cpu-s`)
        .join(', ')}`,
    );
  }
  const medianOf = (list) => ({ wall: median(list.map((r) => r.wall)), cpu: median(list.map((r) => r.cpu)) });
  return { rounds, perRound, warmup, medians: Object.fromEntries(Object.entries(rates).map(([name, list]) => [name, medianOf(list)])), all: rates };
}

await runIfMain(import.meta.url, run);
