import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixedClock } from '../../core/clock.js';
import { DidResolver } from '../../did/did-resolver.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from './document-caps.js';
import { JsonLdContextSet } from './json-ld-contexts.js';
import { verifyDataIntegrityProofs, type DataIntegrityEnvironment } from './verify-proofs.js';

/** The W3C vc-di-eddsa / vc-di-ecdsa test vectors (test/vectors/w3c-data-integrity/README.md), unmodified. */
const VECTORS = join(process.cwd(), 'test/vectors/w3c-data-integrity');
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(VECTORS, name), 'utf8')) as Record<string, unknown>;

/** The DIDs of a vector's verification methods: the vectors' issuers are URLs, so the proof layer is given the signer. */
function signersOf(document: Record<string, unknown>): string[] {
  const proofs = Array.isArray(document.proof) ? document.proof : [document.proof];
  return [...new Set(proofs.map((p) => String((p as Record<string, unknown>).verificationMethod).split('#')[0]!))];
}

let env: DataIntegrityEnvironment;
beforeAll(async () => {
  env = {
    dids: new DidResolver([new DidKeyResolver()]),
    // The examples context is added the way an operator adds one: a pinned KPARTY_JSONLD_CONTEXTS folder.
    contexts: await JsonLdContextSet.withFolder(join(VECTORS, 'contexts')),
    limits: DEFAULT_DATA_INTEGRITY_LIMITS,
    now: fixedClock(Date.parse('2026-06-02T00:00:00Z')).now(),
    clockSkewSeconds: 60,
  };
});

describe('W3C Data Integrity test vectors', () => {
  it.each([
    'eddsa_eddsa-rdfc-2022_signedDataInt.json',
    'ecdsa_ecdsa-rdfc-2019-p256_signedECDSAP256.json',
    'ecdsa_ecdsa-rdfc-2019-p384_signedECDSAP384.json',
    'vc-di-eddsa/signedJCS.json',
    'vc-di-eddsa/signedProofSet2.json',
    'vc-di-eddsa/signedProofChain2.json',
  ])('%s verifies', async (name) => {
    const vector = load(name);
    const outcome = await verifyDataIntegrityProofs(vector, { role: 'credential', path: 'credential', signer: signersOf(vector) }, env);
    expect(outcome).toMatchObject({ ok: true });
  });

  it.each(['eddsa_eddsa-rdfc-2022_signedDataInt.json', 'vc-di-eddsa/signedJCS.json', 'vc-di-eddsa/signedProofChain2.json'])(
    '%s with one claim changed does not verify',
    async (name) => {
      const vector = load(name);
      (vector.credentialSubject as Record<string, unknown>).alumniOf = 'The School of Forgeries';
      const outcome = await verifyDataIntegrityProofs(vector, { role: 'credential', path: 'credential', signer: signersOf(vector) }, env);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.failures.map((f) => f.code)).toContain('credential.signature_invalid');
    },
  );

  it('a proof chain whose previousProof names a proof the document lost does not verify', async () => {
    const vector = load('vc-di-eddsa/signedProofChain2.json');
    const proofs = vector.proof as unknown[];
    vector.proof = proofs.slice(1);
    const outcome = await verifyDataIntegrityProofs(vector, { role: 'credential', path: 'credential', signer: signersOf(vector) }, env);
    expect(outcome).toEqual({
      ok: false,
      failures: expect.arrayContaining([
        expect.objectContaining({ code: 'credential.signature_invalid', detail: expect.stringContaining('previousProof') }),
      ]) as unknown,
    });
  });

  it('the examples context is refused, by name, without the operator folder', async () => {
    const vector = load('eddsa_eddsa-rdfc-2022_signedDataInt.json');
    const outcome = await verifyDataIntegrityProofs(
      vector,
      { role: 'credential', path: 'credential', signer: signersOf(vector) },
      { ...env, contexts: JsonLdContextSet.bundled() },
    );
    expect(outcome).toEqual({
      ok: false,
      failures: [
        { code: 'credential.malformed', path: 'credential', detail: expect.stringContaining('https://www.w3.org/ns/credentials/examples/v2') as unknown },
      ],
    });
  });

  it.each(['eddsa_eddsa-rdfc-2022_employ_signedDataInt.json', 'ecdsa_ecdsa-rdfc-2019-p256_employ_signedECDSAP256.json'])(
    '%s names a context kparty has not pinned (citizenship v4rc1): credential.malformed naming it',
    async (name) => {
      const vector = load(name);
      const outcome = await verifyDataIntegrityProofs(vector, { role: 'credential', path: 'credential', signer: signersOf(vector) }, env);
      expect(outcome).toEqual({
        ok: false,
        failures: [{ code: 'credential.malformed', path: 'credential', detail: expect.stringContaining('https://w3id.org/citizenship/v4rc1') as unknown }],
      });
    },
  );

  it.each([
    ['ecdsa_ecdsa-sd-2023_employ_derivedRevealDocument.json', 'https://w3id.org/citizenship/v4rc1'],
    ['vc-di-eddsa/signedEdSig.json', 'https://w3id.org/security/suites/ed25519-2020/v1'],
  ])('%s (a suite kparty does not implement) is refused before any processing: its context %s is not pinned', async (name, context) => {
    const vector = load(name);
    const outcome = await verifyDataIntegrityProofs(vector, { role: 'credential', path: 'credential', signer: signersOf(vector) }, env);
    expect(outcome).toEqual({
      ok: false,
      failures: [{ code: 'credential.malformed', path: 'credential', detail: expect.stringContaining(context) as unknown }],
    });
  });
});
