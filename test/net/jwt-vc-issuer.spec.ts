/**
 * SD-JWT VC issuers identified by an https URL: keys from their JWT VC Issuer
 * Metadata (`/.well-known/jwt-vc-issuer<path>`) through the real guarded
 * fetcher against loopback servers, with the SSRF rules, the redirect rule and
 * the DID-document caching rules. Credentials issued and presented with
 * @sd-jwt/sd-jwt-vc.
 */
import 'reflect-metadata';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { MemorySharedCache } from '../../src/cache/memory-shared-cache.js';
import { fixedClock } from '../../src/core/clock.js';
import { DidDocumentCache } from '../../src/did/did-document-cache.js';
import { GuardedFetcher } from '../../src/net/guarded-fetcher.js';
import { JwtVcIssuerMetadataResolver, jwtVcIssuerMetadataUrl } from '../../src/trust/jwt-vc-issuer-metadata.js';
import { verifySdJwtVc } from '../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { NOW, NOW_S, VCT, present, testBed, type TestBed } from '../../src/formats/sd-jwt-vc/__fixtures__/sd-jwt-test-bed.js';
import { es256KeyPair, issueSdJwtVc, type KeyPair } from '../support/sd-jwt.js';
import { serveCanary, serveOnLoopback, type LoopbackServer } from './loopback-server.js';

const LIFETIMES = { minTtl: 60, maxTtl: 3600, negativeTtl: 10, staleGrace: 300 };

interface Route {
  status?: number;
  type?: string;
  body?: unknown;
  location?: string;
  headers?: Record<string, string>;
}

describe('jwt-vc-issuer metadata over the guarded fetcher', () => {
  let bed: TestBed;
  let issuerKey: KeyPair;
  let host: LoopbackServer;
  let canary: LoopbackServer;
  const routes = new Map<string, Route>();

  beforeAll(async () => {
    bed = await testBed();
    issuerKey = await es256KeyPair();
    host = await serveOnLoopback((request, response) => {
      const route = routes.get(request.url ?? '');
      if (!route) return void response.writeHead(404).end();
      if (route.location) return void response.writeHead(route.status ?? 302, { location: route.location }).end();
      response.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/json', ...route.headers }).end(JSON.stringify(route.body));
    });
    canary = await serveCanary();
  });
  afterAll(async () => {
    await Promise.all([host.close(), canary.close()]);
  });
  afterEach(() => {
    expect(canary.connections).toBe(0);
    routes.clear();
  });

  function setup(allow: string[] = [host.authority]) {
    const clock = fixedClock(NOW);
    const allowSet = new Set(allow);
    const fetcher = new GuardedFetcher({ allow: allowSet, timeoutMs: 2000, maxBytes: 64 * 1024 });
    const metadata = new JwtVcIssuerMetadataResolver({
      fetcher,
      allow: allowSet,
      cache: new DidDocumentCache({ cache: new MemorySharedCache({ clock }), clock, lifetimes: LIFETIMES }),
    });
    return { metadata, clock };
  }

  async function credentialFrom(iss: string, kid = 'k1'): Promise<string> {
    const sdJwt = await issueSdJwtVc({
      issuerKey,
      header: { kid },
      payload: { iss, iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk }, given_name: 'Arthur' },
      frame: { _sd: ['given_name'] },
    });
    return present(bed, sdJwt);
  }

  const jwks = (): { keys: unknown[] } => ({ keys: [{ ...issuerKey.publicJwk, kid: 'k1' }] });

  it('builds the metadata URL by inserting /.well-known/jwt-vc-issuer before the path', () => {
    expect(jwtVcIssuerMetadataUrl('https://issuer.example.com', new Set())).toBe('https://issuer.example.com/.well-known/jwt-vc-issuer');
    expect(jwtVcIssuerMetadataUrl('https://issuer.example.com/tenant/1/', new Set())).toBe('https://issuer.example.com/.well-known/jwt-vc-issuer/tenant/1');
    expect(jwtVcIssuerMetadataUrl('http://issuer.example.com', new Set())).toBeNull();
    expect(jwtVcIssuerMetadataUrl('https://issuer.example.com/?q=1', new Set())).toBeNull();
    expect(jwtVcIssuerMetadataUrl('https://user:pw@issuer.example.com', new Set())).toBeNull();
    expect(jwtVcIssuerMetadataUrl('ftp://issuer.example.com', new Set())).toBeNull();
  });

  it('verifies with inline jwks, and caches the metadata (one fetch for many verifications)', async () => {
    const iss = `${host.origin}/tenant`;
    routes.set('/.well-known/jwt-vc-issuer/tenant', { body: { issuer: iss, jwks: jwks() } });
    const { metadata } = setup();
    const before = host.requests.length;
    for (let i = 0; i < 3; i++) {
      const result = await verifySdJwtVc(await credentialFrom(iss), bed.env({ metadata }));
      expect(result).toMatchObject({ ok: true, credential: { issuer: iss, issuerKeyRoute: 'jwt-vc-issuer' } });
    }
    expect(host.requests.length - before).toBe(1);
  });

  it('verifies with jwks_uri', async () => {
    const iss = `${host.origin}/uri`;
    routes.set('/.well-known/jwt-vc-issuer/uri', { body: { issuer: iss, jwks_uri: `${host.origin}/keys.json` } });
    routes.set('/keys.json', { body: jwks(), type: 'application/jwk-set+json' });
    const { metadata } = setup();
    expect(await verifySdJwtVc(await credentialFrom(iss), bed.env({ metadata }))).toMatchObject({ ok: true });
  });

  const refusals: Array<[string, (iss: string) => Route | undefined, string]> = [
    ['metadata naming another issuer', () => ({ body: { issuer: 'https://other.example.com', jwks: jwks() } }), 'credential.issuer_untrusted'],
    ['both jwks and jwks_uri', (iss) => ({ body: { issuer: iss, jwks: jwks(), jwks_uri: 'https://x.example/keys' } }), 'credential.issuer_untrusted'],
    ['neither jwks nor jwks_uri', (iss) => ({ body: { issuer: iss } }), 'credential.issuer_untrusted'],
    ['not JSON', () => ({ body: undefined, type: 'application/json' }), 'credential.issuer_untrusted'],
    ['the wrong media type', (iss) => ({ body: { issuer: iss, jwks: jwks() }, type: 'text/html' }), 'credential.issuer_untrusted'],
    ['an HTTP error', () => ({ status: 500, body: {} }), 'credential.issuer_untrusted'],
    ['no metadata at all', () => undefined, 'credential.issuer_untrusted'],
    [
      'keys that did not sign (pinned JWKS mismatch)',
      (iss) => ({ body: { issuer: iss, jwks: { keys: [{ ...bed.holder.publicJwk, kid: 'k1' }] } } }),
      'credential.signature_invalid',
    ],
  ];
  it.each(refusals)('refuses %s', async (_name, route, code) => {
    const iss = `${host.origin}/refused`;
    const answer = route(iss);
    if (answer) routes.set('/.well-known/jwt-vc-issuer/refused', answer);
    const { metadata } = setup();
    const result = await verifySdJwtVc(await credentialFrom(iss), bed.env({ metadata }));
    expect(result).toMatchObject({ ok: false, failures: [{ code }] });
  });

  it('refuses a redirect to another host without contacting it', async () => {
    const iss = `${host.origin}/moved`;
    routes.set('/.well-known/jwt-vc-issuer/moved', { location: `${canary.origin}/.well-known/jwt-vc-issuer/moved` });
    const { metadata } = setup([host.authority, canary.authority]);
    const result = await verifySdJwtVc(await credentialFrom(iss), bed.env({ metadata }));
    expect(result).toMatchObject({ ok: false, failures: [{ code: 'credential.issuer_untrusted', detail: expect.stringContaining('redirect') }] });
  });

  it('follows a redirect on the same origin', async () => {
    const iss = `${host.origin}/same`;
    routes.set('/.well-known/jwt-vc-issuer/same', { location: '/metadata/same.json' });
    routes.set('/metadata/same.json', { body: { issuer: iss, jwks: jwks() } });
    const { metadata } = setup();
    expect(await verifySdJwtVc(await credentialFrom(iss), bed.env({ metadata }))).toMatchObject({ ok: true });
  });

  it('refuses a jwks_uri on a private address that is not allow-listed (SSRF), without contacting it', async () => {
    const iss = `${host.origin}/ssrf`;
    routes.set('/.well-known/jwt-vc-issuer/ssrf', { body: { issuer: iss, jwks_uri: `https://${canary.authority}/keys.json` } });
    const { metadata } = setup();
    const result = await verifySdJwtVc(await credentialFrom(iss), bed.env({ metadata }));
    expect(result).toMatchObject({ ok: false, failures: [{ code: 'credential.issuer_untrusted' }] });
  });

  it('refuses an https issuer on a private address, and http for a host that is not allow-listed, without contacting it', async () => {
    const { metadata } = setup([]);
    for (const iss of [`https://${canary.authority}`, `http://${canary.authority}`, 'https://169.254.169.254/latest', 'https://localhost:1/x']) {
      const result = await verifySdJwtVc(await credentialFrom(iss), bed.env({ metadata }));
      expect(result).toMatchObject({ ok: false, failures: [{ code: 'credential.issuer_untrusted' }] });
    }
  });

  it('remembers a failure for the negative TTL (no fetch storm on a failing issuer)', async () => {
    const iss = `${host.origin}/down`;
    routes.set('/.well-known/jwt-vc-issuer/down', { status: 503, body: {} });
    const { metadata } = setup();
    const before = host.requests.length;
    for (let i = 0; i < 3; i++) await verifySdJwtVc(await credentialFrom(iss), bed.env({ metadata }));
    expect(host.requests.length - before).toBe(1);
  });
});
