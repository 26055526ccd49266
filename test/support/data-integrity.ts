/**
 * Credentials and presentations secured by OTHER PEOPLE'S software: Digital
 * Bazaar's @digitalbazaar/vc with @digitalbazaar/data-integrity and the
 * cryptosuite packages, did:key keys from @digitalbazaar/ed25519-multikey and
 * @digitalbazaar/ecdsa-multikey. The libraries get a loader over kparty's
 * pinned context set (plus did:key documents for their own proof checks), so
 * signing never touches the network either.
 */
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { cryptosuite as ecdsaRdfc2019 } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import { createSignCryptosuite as eddsaJcsSign, createVerifyCryptosuite as eddsaJcsVerify } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { createSignCryptosuite as ecdsaJcsSign, createVerifyCryptosuite as ecdsaJcsVerify } from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import { JsonLdContextSet } from '../../src/formats/data-integrity/json-ld-contexts.js';

export type SuiteName = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022' | 'ecdsa-rdfc-2019' | 'ecdsa-jcs-2019';
export type Curve = 'Ed25519' | 'P-256' | 'P-384';

export interface DiKey {
  did: string;
  /** `<did>#<fragment>`. */
  verificationMethod: string;
  curve: Curve;
  keyPair: {
    signer(): { sign(input: { data: Uint8Array }): Promise<Uint8Array>; algorithm: string; id: string };
    export(options: { publicKey: boolean; includeContext?: boolean }): Promise<Record<string, unknown>>;
  };
}

/** A did:key whose method id is `<did>#<multibase>` (the did:key convention). */
export async function diKey(curve: Curve): Promise<DiKey> {
  const generated = curve === 'Ed25519' ? await Ed25519Multikey.generate() : await EcdsaMultikey.generate({ curve });
  const fingerprint = generated.publicKeyMultibase as string;
  const did = `did:key:${fingerprint}`;
  const verificationMethod = `${did}#${fingerprint}`;
  const keyPair =
    curve === 'Ed25519'
      ? await Ed25519Multikey.from({
          ...(await generated.export({ publicKey: true, secretKey: true, includeContext: true })),
          id: verificationMethod,
          controller: did,
        })
      : await EcdsaMultikey.from({
          ...(await generated.export({ publicKey: true, secretKey: true, includeContext: true })),
          id: verificationMethod,
          controller: did,
        });
  return { did, verificationMethod, curve, keyPair };
}

/** A key whose method lives under another DID (did:web fixtures): the caller publishes the document. */
export async function diKeyFor(did: string, fragment: string, curve: Curve): Promise<DiKey & { method: Record<string, unknown> }> {
  const generated = curve === 'Ed25519' ? await Ed25519Multikey.generate() : await EcdsaMultikey.generate({ curve });
  const verificationMethod = `${did}#${fragment}`;
  const exported = await generated.export({ publicKey: true, secretKey: true, includeContext: true });
  const keyPair =
    curve === 'Ed25519'
      ? await Ed25519Multikey.from({ ...exported, id: verificationMethod, controller: did })
      : await EcdsaMultikey.from({ ...exported, id: verificationMethod, controller: did });
  const publicOnly = await keyPair.export({ publicKey: true, includeContext: false });
  return { did, verificationMethod, curve, keyPair, method: { ...publicOnly, id: verificationMethod, type: 'Multikey', controller: did } };
}

function suiteFor(name: SuiteName, key: DiKey, date?: string, proofExtras?: Record<string, unknown>): InstanceType<typeof DataIntegrityProof> {
  const signer = key.keyPair.signer();
  const cryptosuite =
    name === 'eddsa-rdfc-2022' ? eddsaRdfc2022 : name === 'ecdsa-rdfc-2019' ? ecdsaRdfc2019 : name === 'eddsa-jcs-2022' ? eddsaJcsSign() : ecdsaJcsSign();
  const suite = new DataIntegrityProof({ signer, cryptosuite, ...(date !== undefined ? { date } : {}) });
  // The library copies `suite.proof` into the new proof: how to sign an `expires`.
  if (proofExtras) (suite as unknown as { proof: Record<string, unknown> }).proof = proofExtras;
  return suite;
}

export function verifySuiteFor(name: SuiteName): InstanceType<typeof DataIntegrityProof> {
  const cryptosuite =
    name === 'eddsa-rdfc-2022' ? eddsaRdfc2022 : name === 'ecdsa-rdfc-2019' ? ecdsaRdfc2019 : name === 'eddsa-jcs-2022' ? eddsaJcsVerify() : ecdsaJcsVerify();
  return new DataIntegrityProof({ cryptosuite });
}

const pinned = JsonLdContextSet.bundled();
const keys = new Map<string, Record<string, unknown>>();
const extraContexts = new Map<string, unknown>();

/** A context the signing libraries may load in tests besides the bundled ones (kparty gets it through KPARTY_JSONLD_CONTEXTS). */
export function registerTestContext(url: string, document: unknown): void {
  extraContexts.set(url, document);
}

/** The loader Digital Bazaar's libraries get in tests: kparty's pinned contexts, and the keys made here. */
export async function testDocumentLoader(url: string): Promise<{ contextUrl: null; documentUrl: string; document: unknown }> {
  if (pinned.has(url)) return pinned.loader(url);
  if (extraContexts.has(url)) return { contextUrl: null, documentUrl: url, document: structuredClone(extraContexts.get(url)) };
  const [base] = url.split('#');
  const known = keys.get(url) ?? keys.get(base ?? '');
  if (known) return { contextUrl: null, documentUrl: url, document: known };
  throw new Error(`test loader: ${url} is not known`);
}

async function remember(key: DiKey): Promise<void> {
  const method = {
    '@context': 'https://w3id.org/security/multikey/v1',
    ...(await key.keyPair.export({ publicKey: true, includeContext: false })),
    id: key.verificationMethod,
    type: 'Multikey',
    controller: key.did,
  };
  keys.set(key.verificationMethod, method);
  keys.set(key.did, {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: key.did,
    verificationMethod: [method],
    assertionMethod: [key.verificationMethod],
    authentication: [key.verificationMethod],
  });
}

/** A VC-DM 2.0 credential by `issuer` about `subject`. */
export function credentialDocument(
  issuer: string,
  subject: string,
  claims: Record<string, unknown> = { name: 'Alice' },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: 'urn:uuid:4f1e2c39-8a5b-4c1d-9d7e-0a1b2c3d4e5f',
    type: ['VerifiableCredential'],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: subject, ...claims },
    ...extra,
  };
}

/** Signs with @digitalbazaar/vc `issue`. */
export async function issueCredential(
  credential: Record<string, unknown>,
  key: DiKey,
  suite: SuiteName,
  date = '2026-06-01T00:00:00Z',
  proofExtras?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  await remember(key);
  return vc.issue({ credential: structuredClone(credential), suite: suiteFor(suite, key, date, proofExtras), documentLoader: testDocumentLoader }) as Promise<
    Record<string, unknown>
  >;
}

/** Signs with @digitalbazaar/vc `signPresentation` (authentication purpose, challenge and domain). */
export async function signPresentation(
  credentials: unknown[],
  holder: DiKey,
  suite: SuiteName,
  options: { challenge: string; domain?: string; date?: string },
): Promise<Record<string, unknown>> {
  await remember(holder);
  // Credentials are set after createPresentation, which refuses EnvelopedVerifiableCredential entries (VC-DM 2.0 §4.13 allows them).
  const presentation = vc.createPresentation({ holder: holder.did, version: 2.0 });
  if (credentials.length > 0) presentation.verifiableCredential = credentials;
  return vc.signPresentation({
    presentation,
    suite: suiteFor(suite, holder, options.date ?? '2026-06-01T00:00:00Z'),
    challenge: options.challenge,
    ...(options.domain !== undefined ? { domain: options.domain } : {}),
    documentLoader: testDocumentLoader,
  }) as Promise<Record<string, unknown>>;
}
