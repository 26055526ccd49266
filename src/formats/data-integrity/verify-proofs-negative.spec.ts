import type { DidDocument } from '../../did/did-document.js';
import type { DidMethodResolver } from '../../did/did-method-resolver.js';
import { DidResolver } from '../../did/did-resolver.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import { serveOnLoopback, type LoopbackServer } from '../../../test/net/loopback-server.js';
import { credentialDocument, diKey, diKeyFor, issueCredential, signPresentation, type DiKey } from '../../../test/support/data-integrity.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from './document-caps.js';
import { JsonLdContextSet } from './json-ld-contexts.js';
import { verifyDataIntegrityProofs, type DataIntegrityEnvironment, type ProofExpectation } from './verify-proofs.js';

/** did:web documents served from memory (the proof layer only sees the DidResolver). */
class MemoryDidWeb implements DidMethodResolver {
  readonly method = 'web';
  readonly documents = new Map<string, DidDocument>();
  resolve(did: string): Promise<DidDocument> {
    const document = this.documents.get(did);
    return document ? Promise.resolve(document) : Promise.reject(new Error('not found'));
  }
}

const NOW = Date.parse('2026-06-02T00:00:00Z');
const web = new MemoryDidWeb();
const env: DataIntegrityEnvironment = {
  dids: new DidResolver([new DidKeyResolver(), web]),
  contexts: JsonLdContextSet.bundled(),
  limits: DEFAULT_DATA_INTEGRITY_LIMITS,
  now: NOW,
  clockSkewSeconds: 60,
};

let issuer: DiKey;
let holder: DiKey;
let signed: Record<string, unknown>;
let canary: LoopbackServer;

beforeAll(async () => {
  issuer = await diKey('Ed25519');
  holder = await diKey('P-256');
  signed = await issueCredential(credentialDocument(issuer.did, holder.did), issuer, 'eddsa-rdfc-2022');
  canary = await serveOnLoopback();
});
afterAll(async () => {
  await canary.close();
});

const asCredential = (signer: string = issuer.did): ProofExpectation => ({ role: 'credential', path: 'credentials[0]', signer });
const clone = (value: Record<string, unknown>): Record<string, unknown> => structuredClone(value);
const proofOf = (document: Record<string, unknown>): Record<string, unknown> => document.proof as Record<string, unknown>;

async function failureOf(document: unknown, expectation: ProofExpectation = asCredential(), environment: DataIntegrityEnvironment = env) {
  const outcome = await verifyDataIntegrityProofs(document, expectation, environment);
  if (outcome.ok) throw new Error('expected a failure');
  expect(outcome.failures).toHaveLength(1);
  return outcome.failures[0]!;
}

describe('Data Integrity proofs: what is refused', () => {
  it('the untouched credential verifies (baseline of every case below)', async () => {
    expect(await verifyDataIntegrityProofs(signed, asCredential(), env)).toMatchObject({ ok: true });
  });

  it('a tampered claim → credential.signature_invalid', async () => {
    const tampered = clone(signed);
    (tampered.credentialSubject as Record<string, unknown>).name = 'Mallory';
    expect(await failureOf(tampered)).toMatchObject({ code: 'credential.signature_invalid', path: 'credentials[0]' });
  });

  it('a tampered proof option (created) → credential.signature_invalid', async () => {
    const tampered = clone(signed);
    proofOf(tampered).created = '2026-05-31T00:00:00Z';
    expect(await failureOf(tampered)).toMatchObject({ code: 'credential.signature_invalid' });
  });

  it('a proof by a key of the issuer that is not in assertionMethod → did.key_not_found', async () => {
    const did = 'did:web:issuer.example';
    const listed = await diKeyFor(did, 'key-1', 'Ed25519');
    const authOnly = await diKeyFor(did, 'key-2', 'Ed25519');
    web.documents.set(did, {
      id: did,
      verificationMethod: [listed.method, authOnly.method] as never,
      assertionMethod: [listed.verificationMethod],
      authentication: [authOnly.verificationMethod],
    });
    const credential = await issueCredential(credentialDocument(did, holder.did), authOnly, 'eddsa-rdfc-2022');
    expect(await failureOf(credential, asCredential(did))).toMatchObject({
      code: 'did.key_not_found',
      detail: expect.stringContaining('assertionMethod') as unknown,
    });
    const good = await issueCredential(credentialDocument(did, holder.did), listed, 'eddsa-rdfc-2022');
    expect(await verifyDataIntegrityProofs(good, asCredential(did), env)).toMatchObject({ ok: true });
  });

  it('a method whose controller is another DID → credential.signature_invalid', async () => {
    const did = 'did:web:controlled.example';
    const key = await diKeyFor(did, 'key-1', 'Ed25519');
    web.documents.set(did, {
      id: did,
      verificationMethod: [{ ...key.method, controller: 'did:web:someone-else.example' }] as never,
      assertionMethod: [key.verificationMethod],
    });
    const credential = await issueCredential(credentialDocument(did, holder.did), key, 'eddsa-rdfc-2022');
    expect(await failureOf(credential, asCredential(did))).toMatchObject({
      code: 'credential.signature_invalid',
      detail: expect.stringContaining('controller') as unknown,
    });
  });

  it('a proof whose verificationMethod is a method of another DID than the issuer → credential.signature_invalid', async () => {
    const other = await diKey('Ed25519');
    const credential = await issueCredential(credentialDocument(issuer.did, holder.did), other, 'eddsa-rdfc-2022');
    expect(await failureOf(credential)).toMatchObject({
      code: 'credential.signature_invalid',
      detail: expect.stringContaining('not a method of the issuer') as unknown,
    });
  });

  it('a verificationMethod that is not a DID URL → credential.signature_invalid', async () => {
    const tampered = clone(signed);
    proofOf(tampered).verificationMethod = `http://${canary.authority}/keys/1`;
    expect(await failureOf(tampered)).toMatchObject({ code: 'credential.signature_invalid' });
    expect(canary.connections).toBe(0);
  });

  it('a properly signed presentation (proofPurpose authentication) offered as a credential → wrong purpose', async () => {
    const presentation = await signPresentation([], holder, 'ecdsa-rdfc-2019', { challenge: 'c-1' });
    expect(await failureOf(presentation, asCredential(holder.did))).toMatchObject({
      code: 'credential.signature_invalid',
      detail: expect.stringContaining('proofPurpose must be assertionMethod') as unknown,
    });
  });

  it('a credential proof (assertionMethod) offered as a presentation → presentation.signature_invalid', async () => {
    expect(await failureOf(signed, { role: 'presentation', path: 'presentation', signer: issuer.did })).toMatchObject({
      code: 'presentation.signature_invalid',
      path: 'presentation',
    });
  });

  it('a presentation for another challenge → challenge.unknown', async () => {
    const presentation = await signPresentation([signed], holder, 'ecdsa-rdfc-2019', { challenge: 'other', domain: 'https://rp.example' });
    expect(await failureOf(presentation, { role: 'presentation', path: 'presentation', signer: holder.did, challenge: 'expected' })).toMatchObject({
      code: 'challenge.unknown',
    });
  });

  it('a presentation for another domain → audience.mismatch', async () => {
    const presentation = await signPresentation([signed], holder, 'ecdsa-rdfc-2019', { challenge: 'c-1', domain: 'https://evil.example' });
    expect(
      await failureOf(presentation, { role: 'presentation', path: 'presentation', signer: holder.did, challenge: 'c-1', domain: 'https://rp.example' }),
    ).toMatchObject({ code: 'audience.mismatch' });
  });

  it('a presentation proof without a challenge → challenge.missing', async () => {
    const presentation = await signPresentation([], holder, 'ecdsa-rdfc-2019', { challenge: 'c-1' });
    delete proofOf(presentation).challenge;
    expect(await failureOf(presentation, { role: 'presentation', path: 'presentation', signer: holder.did })).toMatchObject({ code: 'challenge.missing' });
  });

  it('an expired proof → credential.expired', async () => {
    const credential = await issueCredential(credentialDocument(issuer.did, holder.did), issuer, 'eddsa-rdfc-2022', '2026-01-01T00:00:00Z', {
      expires: '2026-05-01T00:00:00Z',
    });
    expect(await failureOf(credential)).toMatchObject({ code: 'credential.expired' });
    expect(await verifyDataIntegrityProofs(credential, asCredential(), { ...env, now: Date.parse('2026-04-30T00:00:00Z') })).toMatchObject({ ok: true });
  });

  it('a proof created in the future → credential.not_yet_valid', async () => {
    const credential = await issueCredential(credentialDocument(issuer.did, holder.did), issuer, 'eddsa-rdfc-2022', '2026-06-02T00:05:00Z');
    expect(await failureOf(credential)).toMatchObject({ code: 'credential.not_yet_valid' });
  });

  it('a created date that is not an XSD dateTimeStamp → credential.malformed', async () => {
    const tampered = clone(signed);
    proofOf(tampered).created = '2026-06-01';
    expect(await failureOf(tampered)).toMatchObject({ code: 'credential.malformed' });
  });

  it.each(['ecdsa-sd-2023', 'bbs-2023', 'eddsa-2022'])('an unknown cryptosuite (%s) → credential.signature_invalid naming it', async (suite) => {
    const tampered = clone(signed);
    proofOf(tampered).cryptosuite = suite;
    expect(await failureOf(tampered)).toEqual({
      code: 'credential.signature_invalid',
      path: 'credentials[0]',
      detail: expect.stringContaining(`"${suite}"`) as unknown,
    });
  });

  it('an unknown proof type (Ed25519Signature2020) → credential.signature_invalid naming it', async () => {
    const tampered = clone(signed);
    proofOf(tampered).type = 'Ed25519Signature2020';
    expect(await failureOf(tampered)).toMatchObject({
      code: 'credential.signature_invalid',
      detail: expect.stringContaining('"Ed25519Signature2020"') as unknown,
    });
  });

  it('a proofValue that is not multibase → credential.signature_invalid', async () => {
    const tampered = clone(signed);
    proofOf(tampered).proofValue = 'x' + String(proofOf(tampered).proofValue).slice(1);
    expect(await failureOf(tampered)).toMatchObject({ code: 'credential.signature_invalid' });
  });

  it('no proof at all → credential.signature_invalid; not an object → credential.malformed', async () => {
    const unsigned = clone(signed);
    delete unsigned.proof;
    expect(await failureOf(unsigned)).toMatchObject({ code: 'credential.signature_invalid' });
    expect(await failureOf('a string')).toMatchObject({ code: 'credential.malformed' });
    expect(await failureOf([signed])).toMatchObject({ code: 'credential.malformed' });
  });

  it('a DID method kparty does not resolve → did.method_unsupported', async () => {
    const tampered = clone(signed);
    tampered.issuer = 'did:example:123';
    proofOf(tampered).verificationMethod = 'did:example:123#key-1';
    expect(await failureOf(tampered, asCredential('did:example:123'))).toMatchObject({ code: 'did.method_unsupported' });
  });

  describe('JSON-LD contexts: only pinned ones, nothing fetched (a loopback canary counts connections)', () => {
    it.each([
      ['a remote context', (url: string) => ({ '@context': ['https://www.w3.org/ns/credentials/v2', url] })],
      [
        'a remote context scoped inside an inline context',
        (url: string) => ({ '@context': ['https://www.w3.org/ns/credentials/v2', { Thing: { '@id': 'https://example.org/Thing', '@context': url } }] }),
      ],
      ['an @import of a remote context', (url: string) => ({ '@context': ['https://www.w3.org/ns/credentials/v2', { '@import': url }] })],
      ['a remote context inside credentialSubject', (url: string) => ({ credentialSubject: { '@context': url, id: 'did:example:1' } })],
    ])('%s → credential.malformed naming it, zero connections', async (_name, patch) => {
      const url = `http://${canary.authority}/context.jsonld`;
      const tampered = { ...clone(signed), ...patch(url) };
      expect(await failureOf(tampered)).toEqual({ code: 'credential.malformed', path: 'credentials[0]', detail: expect.stringContaining(url) as unknown });
      expect(canary.connections).toBe(0);
    });

    it('the strict loader itself refuses an unpinned URL (defence in depth behind the allow-list)', async () => {
      await expect(env.contexts.loader(`http://${canary.authority}/x`)).rejects.toThrow('not one kparty has pinned');
      expect(canary.connections).toBe(0);
    });

    it('an undefined term (would be dropped by expansion) → credential.malformed (safe mode)', async () => {
      const tampered = clone(signed);
      (tampered.credentialSubject as Record<string, unknown>).favouriteColour = 'blue';
      expect(await failureOf(tampered)).toMatchObject({ code: 'credential.malformed', detail: expect.stringContaining('safe mode') as unknown });
    });

    it('an undefined term in a jcs-secured credential is refused too', async () => {
      const credential = await issueCredential(credentialDocument(issuer.did, holder.did), issuer, 'eddsa-jcs-2022');
      (credential.credentialSubject as Record<string, unknown>).favouriteColour = 'blue';
      expect(await failureOf(credential)).toMatchObject({ code: 'credential.malformed' });
    });

    it('a relative IRI as an id → credential.malformed (safe mode)', async () => {
      const tampered = clone(signed);
      (tampered.credentialSubject as Record<string, unknown>).id = 'alice';
      expect(await failureOf(tampered)).toMatchObject({ code: 'credential.malformed' });
    });

    it('an inline context object: verified under eddsa-jcs-2022 (the library suite cannot, kparty compares contexts as JSON)', async () => {
      const inline: Record<string, unknown> = {
        ...credentialDocument(issuer.did, holder.did, { favouriteColour: 'blue' }),
        '@context': ['https://www.w3.org/ns/credentials/v2', { favouriteColour: 'https://example.org/vocab#favouriteColour' }],
      };
      const credential = await issueCredential(inline, issuer, 'eddsa-jcs-2022');
      expect(await verifyDataIntegrityProofs(credential, asCredential(), env)).toMatchObject({ ok: true });
    });
  });

  describe('caps before canonicalisation (KPARTY_JSONLD_* limits)', () => {
    const withSubject = (subject: Record<string, unknown>): Record<string, unknown> => {
      const document = clone(signed);
      document['@context'] = [
        'https://www.w3.org/ns/credentials/v2',
        { knows: { '@id': 'https://example.org/knows', '@type': '@id' }, label: 'https://example.org/label' },
      ];
      document.credentialSubject = subject;
      return document;
    };

    it('nesting deeper than maxDepth → credential.malformed', async () => {
      let nested: Record<string, unknown> = { label: 'x' };
      for (let i = 0; i < 40; i++) nested = { knows: nested };
      expect(await failureOf(withSubject(nested))).toMatchObject({ code: 'credential.malformed', detail: expect.stringContaining('deeper') as unknown });
    });

    it('a depth of 100,000 is refused without overflowing the stack', async () => {
      let nested: unknown = 'x';
      for (let i = 0; i < 100_000; i++) nested = [nested];
      expect(await failureOf(withSubject({ label: nested as string }))).toMatchObject({ code: 'credential.malformed' });
    });

    it('more JSON values than maxNodes → credential.malformed', async () => {
      expect(await failureOf(withSubject({ label: Array.from({ length: 2100 }, (_, i) => `v${i}`) }))).toMatchObject({
        code: 'credential.malformed',
        detail: expect.stringContaining('JSON values') as unknown,
      });
    });

    it('more RDF statements than maxQuads → credential.malformed', async () => {
      const limits = { ...DEFAULT_DATA_INTEGRITY_LIMITS, maxQuads: 100 };
      expect(await failureOf(withSubject({ label: Array.from({ length: 150 }, (_, i) => `v${i}`) }), asCredential(), { ...env, limits })).toMatchObject({
        code: 'credential.malformed',
        detail: expect.stringContaining('more than 100 RDF statements') as unknown,
      });
    });

    it('more blank nodes than maxBlankNodes → credential.malformed', async () => {
      expect(await failureOf(withSubject({ knows: Array.from({ length: 150 }, () => ({ label: 'same' })) }))).toMatchObject({
        code: 'credential.malformed',
        detail: expect.stringContaining('blank nodes') as unknown,
      });
    });

    it('a graph of look-alike blank nodes that would make RDFC-1.0 work hard → refused by maxWorkFactor, quickly', async () => {
      // Two disjoint rings of identical blank nodes: every node hashes alike, which drives RDFC-1.0's n-degree hashing.
      const ring = (n: number, tag: string) => {
        const nodes = Array.from({ length: n }, (_, i) => ({ '@id': `_:${tag}${i}`, knows: { '@id': `_:${tag}${(i + 1) % n}` } }));
        return nodes;
      };
      const document = withSubject({ id: 'did:example:subject', knows: [...ring(30, 'a'), ...ring(30, 'b')] });
      const started = process.hrtime.bigint();
      expect(await failureOf(document)).toMatchObject({ code: 'credential.malformed', detail: expect.stringContaining('canonicalisation') as unknown });
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
    });

    it('more proofs than maxProofs → credential.malformed', async () => {
      const document = clone(signed);
      document.proof = Array.from({ length: 5 }, () => clone(proofOf(signed)));
      expect(await failureOf(document)).toMatchObject({ code: 'credential.malformed', detail: expect.stringContaining('proofs') as unknown });
    });

    it('a proof set: every proof must verify (one bad proof fails the document)', async () => {
      const second = await issueCredential(credentialDocument(issuer.did, holder.did), issuer, 'eddsa-jcs-2022');
      const set = clone(signed);
      set.proof = [proofOf(signed), proofOf(second)];
      expect(await verifyDataIntegrityProofs(set, asCredential(), env)).toMatchObject({
        ok: true,
        verificationMethods: [issuer.verificationMethod, issuer.verificationMethod],
      });
      const bad = clone(set);
      (bad.proof as Array<Record<string, unknown>>)[1]!.created = '2026-05-30T00:00:00Z';
      expect(await failureOf(bad)).toMatchObject({ code: 'credential.signature_invalid', detail: expect.stringContaining('(proof 1)') as unknown });
    });
  });
});
