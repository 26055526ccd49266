/**
 * Data Integrity credentials by did:web issuers whose DID documents are served
 * by a loopback host through the real guarded fetcher (allow-listed), signed
 * by @digitalbazaar/vc — and the remote-context canary: nothing but the DID
 * document is ever fetched.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { MemorySharedCache } from '../../src/cache/memory-shared-cache.js';
import { systemClock } from '../../src/core/clock.js';
import { DidDocumentCache } from '../../src/did/did-document-cache.js';
import { DidResolver } from '../../src/did/did-resolver.js';
import { DidWebResolver } from '../../src/did/methods/web.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from '../../src/formats/data-integrity/document-caps.js';
import { JsonLdContextSet } from '../../src/formats/data-integrity/json-ld-contexts.js';
import { verifyDataIntegrityProofs, type DataIntegrityEnvironment } from '../../src/formats/data-integrity/verify-proofs.js';
import { GuardedFetcher } from '../../src/net/guarded-fetcher.js';
import { credentialDocument, diKeyFor, issueCredential } from '../support/data-integrity.js';
import { serveDidWebHost, type DidWebHost } from '../support/did-web.js';
import { serveCanary, type LoopbackServer } from './loopback-server.js';

describe('Data Integrity credentials by did:web issuers (loopback host, guarded fetcher)', () => {
  let host: DidWebHost;
  let canary: LoopbackServer;
  let env: DataIntegrityEnvironment;

  beforeAll(async () => {
    host = await serveDidWebHost();
    canary = await serveCanary();
    const allow = new Set([host.authority]);
    const fetcher = new GuardedFetcher({ allow, timeoutMs: 2000, maxBytes: 64 * 1024 });
    const documents = new DidDocumentCache({
      cache: new MemorySharedCache(),
      clock: systemClock,
      lifetimes: { minTtl: 60, maxTtl: 3600, negativeTtl: 10, staleGrace: 300 },
    });
    env = {
      dids: new DidResolver([new DidWebResolver({ fetcher, allow, documents })]),
      contexts: JsonLdContextSet.bundled(),
      limits: DEFAULT_DATA_INTEGRITY_LIMITS,
      now: Date.parse('2026-06-02T00:00:00Z'),
      clockSkewSeconds: 60,
    };
  });
  afterAll(async () => {
    await Promise.all([host.close(), canary.close()]);
  });
  afterEach(() => {
    expect(canary.connections).toBe(0);
  });

  it('an eddsa-rdfc-2022 credential by a did:web issuer publishing a Multikey verifies', async () => {
    const did = host.didFor('issuers', 'multikey');
    const key = await diKeyFor(did, 'key-1', 'Ed25519');
    host.publish(did, {
      body: { '@context': ['https://www.w3.org/ns/did/v1'], id: did, verificationMethod: [key.method], assertionMethod: [key.verificationMethod] },
    });
    const credential = await issueCredential(credentialDocument(did, 'did:example:subject'), key, 'eddsa-rdfc-2022');
    await expect(verifyDataIntegrityProofs(credential, { role: 'credential', path: 'credentials[0]', signer: did }, env)).resolves.toMatchObject({
      ok: true,
      verificationMethods: [key.verificationMethod],
    });
    expect(host.hits('/issuers/multikey/did.json')).toBe(1);
  });

  it('an ecdsa-jcs-2019 credential by a did:web issuer publishing the P-384 key as JsonWebKey2020 verifies', async () => {
    const did = host.didFor('issuers', 'jwk');
    const key = await diKeyFor(did, 'key-1', 'P-384');
    const publicKeyJwk = await EcdsaMultikey.toJwk({ keyPair: key.keyPair });
    host.publish(did, {
      body: {
        id: did,
        verificationMethod: [{ id: key.verificationMethod, type: 'JsonWebKey2020', controller: did, publicKeyJwk }],
        assertionMethod: [key.verificationMethod],
      },
    });
    const credential = await issueCredential(credentialDocument(did, 'did:example:subject'), key, 'ecdsa-jcs-2019');
    await expect(verifyDataIntegrityProofs(credential, { role: 'credential', path: 'credentials[0]', signer: did }, env)).resolves.toMatchObject({ ok: true });
  });

  it('a credential naming a context on the canary host → credential.malformed; the canary is never contacted', async () => {
    const did = host.didFor('issuers', 'canary');
    const key = await diKeyFor(did, 'key-1', 'Ed25519');
    host.publish(did, { body: { id: did, verificationMethod: [key.method], assertionMethod: [key.verificationMethod] } });
    const credential = await issueCredential(credentialDocument(did, 'did:example:subject'), key, 'eddsa-rdfc-2022');
    const remote = { ...credential, '@context': ['https://www.w3.org/ns/credentials/v2', `${canary.origin}/contexts/v1`] };
    await expect(verifyDataIntegrityProofs(remote, { role: 'credential', path: 'credentials[0]', signer: did }, env)).resolves.toEqual({
      ok: false,
      failures: [{ code: 'credential.malformed', path: 'credentials[0]', detail: expect.stringContaining(`${canary.origin}/contexts/v1`) }],
    });
    expect(host.hits('/issuers/canary/did.json')).toBe(0);
  });

  it('a did:web issuer whose document cannot be fetched → did.unresolvable', async () => {
    const did = host.didFor('issuers', 'absent');
    const key = await diKeyFor(did, 'key-1', 'Ed25519');
    const credential = await issueCredential(credentialDocument(did, 'did:example:subject'), key, 'eddsa-rdfc-2022');
    await expect(verifyDataIntegrityProofs(credential, { role: 'credential', path: 'credentials[0]', signer: did }, env)).resolves.toMatchObject({
      ok: false,
      failures: [{ code: 'did.unresolvable' }],
    });
  });
});
