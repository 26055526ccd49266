import { describe, expect, it } from '@jest/globals';
import type { DidDocument } from './did-document.js';
import { DidResolutionError, type DidMethodResolver } from './did-method-resolver.js';
import { DidResolver } from './did-resolver.js';
import { DidJwkResolver } from './methods/jwk.js';
import { DidKeyResolver } from './methods/key.js';

const ED25519_DID = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';

/** A method double that records calls and answers what it is told. */
function fakeMethod(method: string, answer: (did: string) => DidDocument): DidMethodResolver & { calls: string[] } {
  const calls: string[] = [];
  return {
    method,
    calls,
    async resolve(did) {
      calls.push(did);
      return answer(did);
    },
  };
}

describe('DidResolver', () => {
  const resolver = new DidResolver([new DidKeyResolver(), new DidJwkResolver()]);

  it('names the methods it supports', () => {
    expect(resolver.supportedMethods).toEqual(['key', 'jwk']);
  });

  it('resolves through the method registered for the DID', async () => {
    const result = await resolver.resolve(ED25519_DID);
    expect(result.ok && result.document.id).toBe(ED25519_DID);
  });

  it('reports the documents each caching method holds', async () => {
    const fresh = new DidResolver([new DidKeyResolver(), new DidJwkResolver(), fakeMethod('example', () => ({ id: 'did:example:1' }))]);
    expect(fresh.cachedDocuments).toEqual({ key: 0, jwk: 0 });
    await fresh.resolve(ED25519_DID);
    await fresh.resolve(ED25519_DID);
    expect(fresh.cachedDocuments).toEqual({ key: 1, jwk: 0 });
  });

  it('answers did.method_unsupported for an unregistered method', async () => {
    expect(await resolver.resolve('did:web:example.com')).toEqual({
      ok: false,
      code: 'did.method_unsupported',
      detail: 'DID method "web" is not supported',
    });
  });

  it.each([
    ['not a DID', 'https://example.com'],
    ['a DID URL', `${ED25519_DID}#key-1`],
    ['an oversized DID', `did:web:${'a'.repeat(8192)}`],
    ['upper case method', 'did:KEY:z6Mk'],
  ])('answers did.unresolvable for %s before calling any method', async (_label, did) => {
    const web = fakeMethod('web', () => {
      throw new Error('must not be called');
    });
    const result = await new DidResolver([web]).resolve(did);
    expect(result).toMatchObject({ ok: false, code: 'did.unresolvable', detail: 'not a valid DID' });
    expect(web.calls).toEqual([]);
  });

  it('passes a DidResolutionError detail through', async () => {
    expect(await resolver.resolve('did:key:zzzz')).toMatchObject({ ok: false, code: 'did.unresolvable', detail: expect.stringMatching(/^invalid did:key: /) });
  });

  it('hides the message of any other error a method throws, keeping it as cause', async () => {
    const failure = new Error('connect ECONNREFUSED 10.0.0.7:443 at internal/secret.js');
    const web = fakeMethod('web', () => {
      throw failure;
    });
    const result = await new DidResolver([web]).resolve('did:web:example.com');
    expect(result).toEqual({ ok: false, code: 'did.unresolvable', detail: 'did:web resolution failed', cause: failure });
  });

  it('refuses a document whose id is not the DID, byte-exact', async () => {
    const web = fakeMethod('web', (did) => ({ id: did.toUpperCase() }));
    expect(await new DidResolver([web]).resolve('did:web:example.com')).toMatchObject({
      ok: false,
      code: 'did.unresolvable',
      detail: 'the DID document does not describe this DID',
    });
    const other = fakeMethod('web', () => ({ id: 'did:web:other.example' }));
    expect(await new DidResolver([other]).resolve('did:web:example.com')).toMatchObject({ ok: false, code: 'did.unresolvable' });
    const nothing = fakeMethod('web', () => null as unknown as DidDocument);
    expect(await new DidResolver([nothing]).resolve('did:web:example.com')).toMatchObject({ ok: false, code: 'did.unresolvable' });
  });

  it('accepts a method registered later in the composition root, such as did:web', async () => {
    const web = fakeMethod('web', (did) => ({ id: did }));
    const withWeb = new DidResolver([new DidKeyResolver(), web]);
    expect(await withWeb.resolve('did:web:example.com')).toEqual({ ok: true, document: { id: 'did:web:example.com' } });
    expect(web.calls).toEqual(['did:web:example.com']);
  });

  it('refuses two resolvers for one method', () => {
    expect(() => new DidResolver([new DidKeyResolver(), new DidKeyResolver()])).toThrow('Two resolvers registered for did:key');
  });

  it('is exported for methods to throw with a safe detail', () => {
    expect(new DidResolutionError('x', { cause: 1 })).toMatchObject({ name: 'DidResolutionError', message: 'x', cause: 1 });
  });
});
