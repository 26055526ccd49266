import { DidResolver } from '../../did/did-resolver.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import { credentialDocument, diKey, issueCredential, signPresentation, type DiKey } from '../../../test/support/data-integrity.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from './document-caps.js';
import { JsonLdContextSet } from './json-ld-contexts.js';
import { looksLikeLdpPresentation, parseLdpCredential, parseLdpPresentation } from './ldp-documents.js';
import { verifyLdpPresentation } from './verify-ldp-presentation.js';
import type { DataIntegrityEnvironment } from './verify-proofs.js';

const env: DataIntegrityEnvironment = {
  dids: new DidResolver([new DidKeyResolver()]),
  contexts: JsonLdContextSet.bundled(),
  limits: DEFAULT_DATA_INTEGRITY_LIMITS,
  now: Date.parse('2026-06-02T00:00:00Z'),
  clockSkewSeconds: 60,
};

let issuer: DiKey;
let holder: DiKey;
let credential: Record<string, unknown>;
let presentation: Record<string, unknown>;
const ENVELOPED = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['EnvelopedVerifiableCredential'], id: 'data:application/vc+jwt,eyJhbGciOiJFZERTQSJ9.e30.c2ln' };

beforeAll(async () => {
  issuer = await diKey('P-384');
  holder = await diKey('Ed25519');
  credential = await issueCredential(credentialDocument(issuer.did, holder.did, { name: 'Alice' }, { validUntil: '2027-01-01T00:00:00Z' }), issuer, 'ecdsa-rdfc-2019');
  presentation = await signPresentation([credential, ENVELOPED], holder, 'eddsa-rdfc-2022', { challenge: 'n-1', domain: 'https://rp.example' });
});

describe('ldp_vp: reading a presentation made by @digitalbazaar/vc', () => {
  it('recognises it, reads holder, challenge, domain and both kinds of credentials', () => {
    expect(looksLikeLdpPresentation(presentation)).toBe(true);
    expect(looksLikeLdpPresentation({ ...presentation, proof: undefined })).toBe(false);
    expect(looksLikeLdpPresentation('eyJ.x.y')).toBe(false);
    const parsed = parseLdpPresentation(presentation);
    if (!parsed.ok) throw new Error('expected a parse');
    expect(parsed.failures).toEqual([]);
    expect(parsed.presentation).toMatchObject({ format: 'ldp_vp', holder: holder.did, challenge: 'n-1', domains: ['https://rp.example'] });
    expect(parsed.presentation.credentials).toEqual([
      { kind: 'ldp', credential: expect.objectContaining({ format: 'ldp_vc', path: 'credentials[0]', issuer: issuer.did, subject: holder.did, types: ['VerifiableCredential'], notBefore: 1767225600, expiresAt: 1798761600 }) as unknown },
      { kind: 'enveloped', path: 'credentials[1]', compact: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln' },
    ]);
  });

  it.each([
    ['not an object', 'text', 'presentation.malformed'],
    ['no W3C context first', { ...{}, '@context': ['https://example.org/ctx'], type: ['VerifiablePresentation'], holder: 'did:key:z', proof: {} }, 'presentation.malformed'],
    ['no VerifiablePresentation type', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['Thing'], holder: 'did:key:z', proof: {} }, 'presentation.malformed'],
    ['a holder that is not a DID', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: 'https://holder.example', proof: {} }, 'presentation.malformed'],
    ['no proof', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: 'did:key:z' }, 'presentation.signature_invalid'],
    ['21 credentials', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: 'did:key:z', proof: {}, verifiableCredential: Array.from({ length: 21 }, () => ({})) }, 'presentation.malformed'],
  ])('refuses a presentation with %s', (_name, input, code) => {
    expect(parseLdpPresentation(input)).toEqual({ ok: false, failures: [expect.objectContaining({ code, path: 'presentation' })] });
  });

  it.each([
    ['not an object', 42],
    ['no VerifiableCredential type', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['X'], issuer: 'did:key:z', credentialSubject: {} }],
    ['no issuer', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], credentialSubject: {} }],
    ['a subject that is not an object', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: 'did:key:z', credentialSubject: 'x' }],
    ['a validFrom without a time zone', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: 'did:key:z', credentialSubject: {}, validFrom: '2026-01-01T00:00:00' }],
    ['VC-DM 1.1 without issuanceDate', { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], issuer: 'did:key:z', credentialSubject: {} }],
    ['an enveloped credential that is not a vc+jwt data URL', { type: 'EnvelopedVerifiableCredential', id: 'https://example.org/vc' }],
  ])('reports a credential with %s as credential.malformed and keeps the presentation', (_name, entry) => {
    const parsed = parseLdpPresentation({ ...presentation, verifiableCredential: [entry] });
    expect(parsed).toMatchObject({ ok: true, failures: [{ code: 'credential.malformed', path: 'credentials[0]' }] });
  });

  it('reads VC-DM 1.1 issuanceDate / expirationDate', () => {
    const parsed = parseLdpCredential(
      { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], issuer: { id: 'did:key:z' }, issuanceDate: '2026-01-01T00:00:00Z', expirationDate: '2026-12-31T00:00:00Z', credentialSubject: { id: 'did:key:y' } },
      'credentials[0]',
    );
    expect(parsed).toMatchObject({ issuer: 'did:key:z', subject: 'did:key:y', issuedAt: 1767225600, expiresAt: 1798675200 });
  });
});

describe('ldp_vp: verifying the proofs', () => {
  it('the holder proof and the Data Integrity credential verify; the enveloped one is left to the VC-JOSE handler', async () => {
    const parsed = parseLdpPresentation(presentation);
    if (!parsed.ok) throw new Error('expected a parse');
    const outcome = await verifyLdpPresentation(parsed.presentation, { challenge: 'n-1', domain: 'https://rp.example' }, env);
    expect(outcome).toMatchObject({ holderProofValid: true, challenge: 'n-1', domains: ['https://rp.example'], failures: [] });
    expect([...outcome.signedCredentials].map((c) => c.path)).toEqual(['credentials[0]']);
  });

  it('a credential tampered inside a validly re-signed presentation fails alone; the holder proof still holds', async () => {
    const forged = structuredClone(credential);
    (forged.credentialSubject as Record<string, unknown>).name = 'Mallory';
    const resigned = await signPresentation([forged], holder, 'eddsa-rdfc-2022', { challenge: 'n-1' });
    const parsed = parseLdpPresentation(resigned);
    if (!parsed.ok) throw new Error('expected a parse');
    const outcome = await verifyLdpPresentation(parsed.presentation, {}, env);
    expect(outcome.holderProofValid).toBe(true);
    expect(outcome.signedCredentials.size).toBe(0);
    expect(outcome.failures).toEqual([expect.objectContaining({ code: 'credential.signature_invalid', path: 'credentials[0]' })]);
  });

  it('a presentation signed by someone else than its holder → presentation.signature_invalid', async () => {
    const stranger = await diKey('Ed25519');
    const signed = await signPresentation([credential], stranger, 'eddsa-rdfc-2022', { challenge: 'n-1' });
    const parsed = parseLdpPresentation({ ...signed, holder: holder.did });
    if (!parsed.ok) throw new Error('expected a parse');
    const outcome = await verifyLdpPresentation(parsed.presentation, {}, env);
    expect(outcome.holderProofValid).toBe(false);
    expect(outcome.failures).toEqual([expect.objectContaining({ code: 'presentation.signature_invalid', path: 'presentation' })]);
  });

  it('replaying the presentation for another challenge → challenge.unknown', async () => {
    const parsed = parseLdpPresentation(presentation);
    if (!parsed.ok) throw new Error('expected a parse');
    const outcome = await verifyLdpPresentation(parsed.presentation, { challenge: 'n-2' }, env);
    expect(outcome.failures).toEqual([expect.objectContaining({ code: 'challenge.unknown' })]);
  });
});
