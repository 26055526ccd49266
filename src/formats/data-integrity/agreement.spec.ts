import * as vc from '@digitalbazaar/vc';
import { DidResolver } from '../../did/did-resolver.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import {
  credentialDocument,
  diKey,
  issueCredential,
  testDocumentLoader,
  verifySuiteFor,
  type DiKey,
  type SuiteName,
} from '../../../test/support/data-integrity.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from './document-caps.js';
import { JsonLdContextSet } from './json-ld-contexts.js';
import { verifyDataIntegrityProofs, type DataIntegrityEnvironment } from './verify-proofs.js';

/**
 * kparty and Digital Bazaar's own verifier (@digitalbazaar/vc verifyCredential
 * with the same cryptosuite) agree on each document: the untouched credential
 * and a table of changes made after signing.
 */
const env: DataIntegrityEnvironment = {
  dids: new DidResolver([new DidKeyResolver()]),
  contexts: JsonLdContextSet.bundled(),
  limits: DEFAULT_DATA_INTEGRITY_LIMITS,
  now: Date.now(),
  clockSkewSeconds: 60,
};

/** What a change should do: verify or not, or depend on the transformation (RDF sees a set where JCS sees bytes). */
type Change = [string, (credential: Record<string, unknown>) => void, boolean | 'rdfc-only'];
const CHANGES: Change[] = [
  ['untouched', () => {}, true],
  ['a claim changed', (c) => void ((c.credentialSubject as Record<string, unknown>).name = 'Mallory'), false],
  ['a claim added (defined term)', (c) => void (c.description = 'added later'), false],
  ['the one-element type list written as a string (the same RDF, other JSON)', (c) => void (c.type = 'VerifiableCredential'), 'rdfc-only'],
  ['validFrom changed', (c) => void (c.validFrom = '2026-01-02T00:00:00Z'), false],
  ['proof.created changed', (c) => void ((c.proof as Record<string, unknown>).created = '2026-05-01T00:00:00Z'), false],
  [
    'one signature byte flipped',
    (c) => {
      const proof = c.proof as Record<string, unknown>;
      const value = proof.proofValue as string;
      proof.proofValue = value.slice(0, 10) + (value[10] === 'A' ? 'B' : 'A') + value.slice(11);
    },
    false,
  ],
  [
    'keys of the subject reordered (JSON order is not signed)',
    (c) => {
      const subject = c.credentialSubject as Record<string, unknown>;
      c.credentialSubject = Object.fromEntries(Object.entries(subject).reverse());
    },
    true,
  ],
];

describe.each<[SuiteName, 'Ed25519' | 'P-256' | 'P-384']>([
  ['eddsa-rdfc-2022', 'Ed25519'],
  ['ecdsa-rdfc-2019', 'P-384'],
  ['eddsa-jcs-2022', 'Ed25519'],
  ['ecdsa-jcs-2019', 'P-256'],
])('%s (%s): kparty agrees with @digitalbazaar/vc verifyCredential', (suite, curve) => {
  let issuer: DiKey;
  let signed: Record<string, unknown>;
  beforeAll(async () => {
    issuer = await diKey(curve);
    signed = await issueCredential(
      credentialDocument(issuer.did, 'did:example:subject'),
      issuer,
      suite,
      new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    );
  });

  it.each(CHANGES)('%s', async (_name, change, outcome) => {
    const expected = outcome === 'rdfc-only' ? suite.includes('rdfc') : outcome;
    const credential = structuredClone(signed);
    change(credential);
    const theirs = await vc.verifyCredential({ credential: structuredClone(credential), suite: verifySuiteFor(suite), documentLoader: testDocumentLoader });
    const ours = await verifyDataIntegrityProofs(credential, { role: 'credential', path: 'credential', signer: issuer.did }, env);
    expect({ ours: ours.ok, theirs: theirs.verified }).toEqual({ ours: expected, theirs: expected });
  });
});
