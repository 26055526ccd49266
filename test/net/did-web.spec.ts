/**
 * did:web resolution through the real guarded fetcher against loopback
 * servers: documents served by an allow-listed host, refusals with the check
 * code, canaries that are never contacted, and one fetch for 10,000 fragment
 * variants of one DID.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { MemorySharedCache } from '../../src/cache/memory-shared-cache.js';
import { systemClock } from '../../src/core/clock.js';
import { DidDocumentCache } from '../../src/did/did-document-cache.js';
import { DidResolver } from '../../src/did/did-resolver.js';
import { splitDidUrl } from '../../src/did/did-syntax.js';
import { DidWebResolver } from '../../src/did/methods/web.js';
import { selectVerificationKeys } from '../../src/did/select-verification-keys.js';
import { GuardedFetcher } from '../../src/net/guarded-fetcher.js';
import type { HostResolver } from '../../src/net/pinned-address.js';
import { didWebIdentity, serveDidWebHost, type DidWebHost } from '../support/did-web.js';
import { serveCanary, serveOnLoopback, type LoopbackServer } from './loopback-server.js';

const LIFETIMES = { minTtl: 60, maxTtl: 3600, negativeTtl: 10, staleGrace: 300 };

describe('did:web over the guarded fetcher', () => {
  let host: DidWebHost;
  let canary: LoopbackServer;

  beforeAll(async () => {
    host = await serveDidWebHost();
    canary = await serveCanary();
  });
  afterAll(async () => {
    await Promise.all([host.close(), canary.close()]);
  });
  afterEach(() => {
    expect(canary.connections).toBe(0);
  });

  /** A resolver with only did:web, its own cache, allow-listing the host (and `extraAllow`). */
  function resolverFor(options: { extraAllow?: string[]; resolveHost?: HostResolver; timeoutMs?: number } = {}) {
    const allow = new Set([host.authority, ...(options.extraAllow ?? [])]);
    const fetcher = new GuardedFetcher({
      allow,
      timeoutMs: options.timeoutMs ?? 2000,
      maxBytes: 64 * 1024,
      ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    });
    const shared = new MemorySharedCache();
    const documents = new DidDocumentCache({ cache: shared, clock: systemClock, lifetimes: LIFETIMES });
    return { resolver: new DidResolver([new DidWebResolver({ fetcher, allow, documents })]), shared, documents };
  }

  it('resolves did:web:127.0.0.1%3A<port> from /.well-known/did.json, asking for DID document types', async () => {
    const issuer = didWebIdentity(host.didFor());
    host.publish(issuer.did, { body: issuer.document });
    const result = await resolverFor().resolver.resolve(issuer.did);
    expect(result).toEqual({ ok: true, document: issuer.document });
    const request = host.requests.find((r) => r.url === '/.well-known/did.json');
    expect(request?.headers.accept).toBe('application/did+json, application/did+ld+json, application/json');
  });

  it('resolves a path DID did:web:127.0.0.1%3A<port>:issuers:hr from /issuers/hr/did.json', async () => {
    const issuer = didWebIdentity(host.didFor('issuers', 'hr'));
    host.publish(issuer.did, { body: issuer.document, contentType: 'application/did+ld+json' });
    const result = await resolverFor().resolver.resolve(issuer.did);
    expect(result.ok && result.document.id).toBe(issuer.did);
    expect(host.hits('/issuers/hr/did.json')).toBe(1);
  });

  it('refuses a document whose id differs from the DID (did.unresolvable), and does not cache it as good', async () => {
    const did = host.didFor('mismatch');
    const other = didWebIdentity(host.didFor('someone-else'));
    host.publish(did, { body: other.document });
    const { resolver } = resolverFor();
    expect(await resolver.resolve(did)).toMatchObject({ ok: false, code: 'did.unresolvable', detail: 'the DID document does not describe this DID' });
    expect(await resolver.resolve(did)).toMatchObject({ ok: false, code: 'did.unresolvable' });
    const upperCase = didWebIdentity(host.didFor('case'));
    host.publish(upperCase.did, { body: { ...upperCase.document, id: upperCase.did.replace('case', 'CASE') } });
    expect(await resolver.resolve(upperCase.did)).toMatchObject({ ok: false, code: 'did.unresolvable' });
  });

  it.each([
    ['an HTML page', { body: '<html>', contentType: 'text/html' }, 'the response is not a DID document media type'],
    ['a 404', { body: {}, status: 404 }, 'the host answered HTTP 404'],
    ['a 500', { body: {}, status: 500 }, 'the host answered HTTP 500'],
    ['a document over the size cap', { body: { padding: 'x'.repeat(100 * 1024) } }, 'the DID document is too large'],
    ['a JSON array', { body: [] }, 'the DID document is not a JSON object'],
  ])('answers did.unresolvable for %s', async (label, hosted, detail) => {
    const did = host.didFor('broken', label.replace(/[^a-z0-9]+/gi, '-'));
    host.publish(did, hosted);
    expect(await resolverFor().resolver.resolve(did)).toMatchObject({ ok: false, code: 'did.unresolvable', detail });
  });

  it('answers did.unresolvable "timed out" for a host that never answers', async () => {
    const silent = await serveOnLoopback(() => undefined);
    try {
      const { resolver } = resolverFor({ extraAllow: [silent.authority], timeoutMs: 300 });
      expect(await resolver.resolve(`did:web:127.0.0.1%3A${silent.port}`)).toMatchObject({ ok: false, code: 'did.unresolvable', detail: 'timed out' });
    } finally {
      await silent.close();
    }
  });

  describe('never contacts a canary on a loopback port that is not allow-listed', () => {
    it('did:web:127.0.0.1%3A<canary>: an IP address host not allow-listed, refused before any I/O', async () => {
      expect(await resolverFor().resolver.resolve(`did:web:127.0.0.1%3A${canary.port}`)).toMatchObject({ ok: false, code: 'did.unresolvable' });
    });

    it('did:web:localhost%3A<canary>: the name resolves to loopback, address refused', async () => {
      expect(await resolverFor().resolver.resolve(`did:web:localhost%3A${canary.port}`)).toEqual({
        ok: false,
        code: 'did.unresolvable',
        detail: 'address refused',
        cause: expect.anything(),
      });
    });

    it('a public-looking name that resolves to loopback (injected resolver): address refused', async () => {
      const toLoopback: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];
      const { resolver } = resolverFor({ resolveHost: toLoopback });
      expect(await resolver.resolve(`did:web:issuer.example.com%3A${canary.port}`)).toMatchObject({
        ok: false,
        code: 'did.unresolvable',
        detail: 'address refused',
      });
    });

    it('a redirect from the allow-listed host to the canary: redirect refused', async () => {
      const redirecting = await serveOnLoopback((_request, response) => {
        response.writeHead(302, { location: `http://127.0.0.1:${canary.port}/.well-known/did.json` }).end();
      });
      try {
        const { resolver } = resolverFor({ extraAllow: [redirecting.authority] });
        expect(await resolver.resolve(`did:web:127.0.0.1%3A${redirecting.port}`)).toMatchObject({
          ok: false,
          code: 'did.unresolvable',
          detail: 'redirect refused',
        });
      } finally {
        await redirecting.close();
      }
    });
  });

  it('caches: a second resolution and concurrent ones do not fetch again', async () => {
    const issuer = didWebIdentity(host.didFor('cached'));
    host.publish(issuer.did, { body: issuer.document, headers: { 'cache-control': 'max-age=600' } });
    const { resolver } = resolverFor();
    await Promise.all(Array.from({ length: 50 }, () => resolver.resolve(issuer.did)));
    await resolver.resolve(issuer.did);
    expect(host.hits('/cached/did.json')).toBe(1);
  });

  it('remembers a failure for the negative TTL: a failing host is asked once', async () => {
    const did = host.didFor('missing');
    const { resolver } = resolverFor();
    for (let i = 0; i < 5; i++) expect(await resolver.resolve(did)).toMatchObject({ ok: false, code: 'did.unresolvable' });
    expect(host.hits('/missing/did.json')).toBe(1);
  });

  it('resolves 10,000 distinct fragment variants of one DID with one fetch and one cache entry', async () => {
    const issuer = didWebIdentity(host.didFor('fragments'));
    host.publish(issuer.did, { body: issuer.document });
    const { resolver, shared, documents } = resolverFor();
    const codes = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const kid = `${issuer.did}#key-${i}`;
      // What the verification does with a kid: resolve the DID it names, then look the key up in the document.
      const did = splitDidUrl(kid)?.did as string;
      const resolved = await resolver.resolve(did);
      if (!resolved.ok) throw new Error(`resolution failed: ${resolved.detail}`);
      const selection = selectVerificationKeys(resolved.document, { did, kid, relationship: 'assertionMethod' });
      const code = selection.ok ? 'ok' : selection.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({ ok: 1, 'did.key_not_found': 9_999 });
    expect(host.hits('/fragments/did.json')).toBe(1);
    expect(shared.size).toBe(1);
    expect(shared.bytes).toBeLessThan(4096);
    expect(documents.inFlight).toBe(0);
  });

  it('refuses DID URLs with fragments or queries before any I/O: 10,000 of them fetch nothing', async () => {
    const issuer = didWebIdentity(host.didFor('never-fetched'));
    host.publish(issuer.did, { body: issuer.document });
    const { resolver, shared } = resolverFor();
    for (let i = 0; i < 10_000; i++) {
      const variant = i % 2 === 0 ? `${issuer.did}#k${i}` : `${issuer.did}?v=${i}`;
      expect((await resolver.resolve(variant)).ok).toBe(false);
    }
    expect(host.hits('/never-fetched/did.json')).toBe(0);
    expect(shared.size).toBe(0);
  });
});
