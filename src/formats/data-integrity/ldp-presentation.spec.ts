import { DidResolver } from '../../did/did-resolver.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import { credentialDocument, diKey, issueCredential, signPresentation, type DiKey } from '../../../test/support/data-integrity.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from './document-caps.js';
import { JsonLdContextSet } from './json-ld-contexts.js';
import type { CheckFailure } from '../../core/model/check.js';
import type { ParsedPresentation } from '../../core/model/presentation.js';
import type { DidDocument } from '../../did/did-document.js';
import type { ParseScope, ProofEnvironment } from '../format-handler.js';
import { looksLikeLdpPresentation, parseLdpCredential, parseLdpPresentation } from './ldp-documents.js';
import { dataIntegrityHandler } from './ldp-format.js';

const SCOPE: ParseScope = { index: 0, path: 'presentation', credentialPath: (i) => `credentials[${i}]` };
const handler = dataIntegrityHandler({ contexts: JsonLdContextSet.bundled(), limits: DEFAULT_DATA_INTEGRITY_LIMITS });
const resolver = new DidResolver([new DidKeyResolver()]);

/** What the checks table hands a format: the DID documents the "resolve DIDs" check fetched. */
async function environmentFor(presentation: ParsedPresentation): Promise<ProofEnvironment> {
  const documents = new Map<string, DidDocument | null>();
  for (const did of [presentation.holder!, ...presentation.credentials.map((c) => c.issuer)]) {
    const resolution = await resolver.resolve(did);
    documents.set(did, resolution.ok ? resolution.document : null);
  }
  return {
    now: Date.parse('2026-06-02T00:00:00Z'),
    clockSkewSeconds: 60,
    binding: { audience: 'https://rp.example' },
    didDocument: (did) => documents.get(did),
    queriesFor: () => [],
  };
}

/** The holder proof and every Data Integrity credential's proof, through the format handler. */
async function verifyAll(input: unknown): Promise<{ holder: CheckFailure[]; credentials: CheckFailure[][]; presentation: ParsedPresentation }> {
  const parsed = parseLdpPresentation(input, SCOPE);
  if (!parsed.ok) throw new Error(`expected a parse: ${JSON.stringify(parsed.failures)}`);
  const env = await environmentFor(parsed.presentation);
  const holder = await handler.verifyHolderProof(parsed.presentation, env);
  const credentials = await Promise.all(parsed.presentation.credentials.filter((c) => c.format === 'ldp_vc').map((c) => handler.verifyIssuerProof(c, env)));
  return { holder, credentials, presentation: parsed.presentation };
}

let issuer: DiKey;
let holder: DiKey;
let credential: Record<string, unknown>;
let presentation: Record<string, unknown>;
const ENVELOPED = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['EnvelopedVerifiableCredential'],
  id: 'data:application/vc+jwt,eyJhbGciOiJFZERTQSJ9.e30.c2ln',
};

beforeAll(async () => {
  issuer = await diKey('P-384');
  holder = await diKey('Ed25519');
  credential = await issueCredential(
    credentialDocument(issuer.did, holder.did, { name: 'Alice' }, { validUntil: '2027-01-01T00:00:00Z' }),
    issuer,
    'ecdsa-rdfc-2019',
  );
  presentation = await signPresentation([credential, ENVELOPED], holder, 'eddsa-rdfc-2022', { challenge: 'n-1', domain: 'https://rp.example' });
});

describe('ldp_vp: reading a presentation made by @digitalbazaar/vc', () => {
  it('recognises it, reads holder, challenge, domain and both kinds of credentials', () => {
    expect(looksLikeLdpPresentation(presentation)).toBe(true);
    expect(looksLikeLdpPresentation({ ...presentation, proof: undefined })).toBe(false);
    expect(looksLikeLdpPresentation('eyJ.x.y')).toBe(false);
    const parsed = parseLdpPresentation(presentation, SCOPE);
    if (!parsed.ok) throw new Error('expected a parse');
    // The enveloped entry's JWT has no typ vc+jwt: the vc+jwt parser reports it; the Data Integrity credential is read.
    expect(parsed.failures).toEqual([expect.objectContaining({ code: 'credential.malformed', path: 'credentials[1]' })]);
    expect(parsed.presentation).toMatchObject({
      format: 'ldp_vp',
      holder: holder.did,
      holderKey: { kind: 'did', did: holder.did },
      challenge: { kind: 'stated', nonce: 'n-1', audience: ['https://rp.example'] },
    });
    expect(parsed.presentation.credentials).toEqual([
      expect.objectContaining({
        format: 'ldp_vc',
        ref: { presentation: 0, credential: 0 },
        path: 'credentials[0]',
        issuer: issuer.did,
        issuerKey: { kind: 'did', did: issuer.did },
        subject: holder.did,
        holderBinding: [{ id: holder.did, path: 'credentials[0]' }],
        types: ['VerifiableCredential'],
        notBefore: 1767225600,
        expiresAt: 1798761600,
        status: [],
      }),
    ]);
  });

  it.each([
    ['not an object', 'text', 'presentation.malformed'],
    [
      'no W3C context first',
      { ...{}, '@context': ['https://example.org/ctx'], type: ['VerifiablePresentation'], holder: 'did:key:z', proof: {} },
      'presentation.malformed',
    ],
    [
      'no VerifiablePresentation type',
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['Thing'], holder: 'did:key:z', proof: {} },
      'presentation.malformed',
    ],
    [
      'a holder that is not a DID',
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: 'https://holder.example', proof: {} },
      'presentation.malformed',
    ],
    [
      'no proof',
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: 'did:key:z' },
      'presentation.signature_invalid',
    ],
    [
      '21 credentials',
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiablePresentation'],
        holder: 'did:key:z',
        proof: {},
        verifiableCredential: Array.from({ length: 21 }, () => ({})),
      },
      'presentation.malformed',
    ],
  ])('refuses a presentation with %s', (_name, input, code) => {
    expect(parseLdpPresentation(input, SCOPE)).toEqual({ ok: false, failures: [expect.objectContaining({ code, path: 'presentation' })] });
  });

  it.each([
    ['not an object', 42],
    ['no VerifiableCredential type', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['X'], issuer: 'did:key:z', credentialSubject: {} }],
    ['no issuer', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], credentialSubject: {} }],
    [
      'a subject that is not an object',
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: 'did:key:z', credentialSubject: 'x' },
    ],
    [
      'a validFrom without a time zone',
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential'],
        issuer: 'did:key:z',
        credentialSubject: {},
        validFrom: '2026-01-01T00:00:00',
      },
    ],
    [
      'VC-DM 1.1 without issuanceDate',
      { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], issuer: 'did:key:z', credentialSubject: {} },
    ],
    ['an enveloped credential that is not a vc+jwt data URL', { type: 'EnvelopedVerifiableCredential', id: 'https://example.org/vc' }],
  ])('reports a credential with %s as credential.malformed and keeps the presentation', (_name, entry) => {
    const parsed = parseLdpPresentation({ ...presentation, verifiableCredential: [entry] }, SCOPE);
    expect(parsed).toMatchObject({ ok: true, failures: [{ code: 'credential.malformed', path: 'credentials[0]' }] });
  });

  it('reads VC-DM 1.1 issuanceDate / expirationDate', () => {
    const parsed = parseLdpCredential(
      {
        '@context': ['https://www.w3.org/2018/credentials/v1'],
        type: ['VerifiableCredential'],
        issuer: { id: 'did:key:z' },
        issuanceDate: '2026-01-01T00:00:00Z',
        expirationDate: '2026-12-31T00:00:00Z',
        credentialSubject: { id: 'did:key:y' },
      },
      'credentials[0]',
    );
    expect(parsed).toMatchObject({ issuer: 'did:key:z', subject: 'did:key:y', issuedAt: 1767225600, expiresAt: 1798675200 });
  });
});

describe('ldp_vp: verifying the proofs through the format handler', () => {
  it('the holder proof and the Data Integrity credential verify', async () => {
    const { holder: holderFailures, credentials } = await verifyAll(presentation);
    expect(holderFailures).toEqual([]);
    expect(credentials).toEqual([[]]);
  });

  it('an enveloped VC-JOSE credential is read by the vc+jwt parser (a bad JWT is credential.malformed at its path)', () => {
    const parsed = parseLdpPresentation(presentation, SCOPE);
    expect(parsed).toMatchObject({ ok: true, failures: [{ code: 'credential.malformed', path: 'credentials[1]' }] });
  });

  it('a credential tampered inside a validly re-signed presentation fails alone; the holder proof still holds', async () => {
    const forged = structuredClone(credential);
    (forged.credentialSubject as Record<string, unknown>).name = 'Mallory';
    const resigned = await signPresentation([forged], holder, 'eddsa-rdfc-2022', { challenge: 'n-1' });
    const { holder: holderFailures, credentials } = await verifyAll(resigned);
    expect(holderFailures).toEqual([]);
    expect(credentials).toEqual([
      [expect.objectContaining({ code: 'credential.signature_invalid', path: 'credentials[0]', credential: { presentation: 0, credential: 0 } })],
    ]);
  });

  it('a presentation signed by someone else than its holder → presentation.signature_invalid', async () => {
    const stranger = await diKey('Ed25519');
    const signed = await signPresentation([credential], stranger, 'eddsa-rdfc-2022', { challenge: 'n-1' });
    const { holder: holderFailures } = await verifyAll({ ...signed, holder: holder.did });
    expect(holderFailures).toEqual([expect.objectContaining({ code: 'presentation.signature_invalid', path: 'presentation', presentation: 0 })]);
  });

  it('a proof set whose second proof states another challenge → presentation.signature_invalid', async () => {
    const first = await signPresentation([], holder, 'eddsa-rdfc-2022', { challenge: 'n-1' });
    const second = await signPresentation([], holder, 'eddsa-jcs-2022', { challenge: 'n-2' });
    const { holder: holderFailures } = await verifyAll({ ...first, proof: [first.proof, second.proof] });
    expect(holderFailures).toEqual([
      expect.objectContaining({ code: 'presentation.signature_invalid', detail: expect.stringContaining('different challenges') }),
    ]);
  });

  it('a credential whose issuer is not a DID → credential.malformed from the proof check', async () => {
    const { proof: _proof, ...unsigned } = credential;
    const urlIssuer = { ...unsigned, issuer: 'https://issuer.example', proof: credential.proof };
    const parsed = parseLdpPresentation({ ...presentation, verifiableCredential: [urlIssuer] }, SCOPE);
    if (!parsed.ok) throw new Error('expected a parse');
    const failures = await handler.verifyIssuerProof(parsed.presentation.credentials[0]!, await environmentFor({ ...parsed.presentation, credentials: [] }));
    expect(failures).toEqual([expect.objectContaining({ code: 'credential.malformed', detail: expect.stringContaining('not a DID') })]);
  });
});
