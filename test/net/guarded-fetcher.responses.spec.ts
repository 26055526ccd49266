/**
 * What the guarded fetcher accepts as an answer: a 2xx with an accepted
 * content type, over http (allow-listed) or https with a verified
 * certificate; everything else is a FetchError with a stable reason.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { GuardedFetcher } from '../../src/net/guarded-fetcher.js';
import { freePort } from '../e2e/harness.js';
import { expectFetchFailure } from './fetch-failure.js';
import { serveOnLoopback, type LoopbackServer } from './loopback-server.js';

const fixture = (name: string): string => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

describe('GuardedFetcher: responses', () => {
  let server: LoopbackServer;

  beforeAll(async () => {
    server = await serveOnLoopback((request, response) => {
      const [path, query] = (request.url ?? '/').split('?');
      const contentType = new URLSearchParams(query).get('type');
      if (path === '/status') {
        response.writeHead(Number(new URLSearchParams(query).get('code')), { 'content-type': 'application/json' }).end('{}');
        return;
      }
      response.writeHead(200, {
        ...(contentType === null ? {} : { 'content-type': contentType }),
        'cache-control': 'max-age=600',
        'set-cookie': 'session=tracking',
        'x-multi': ['a', 'b'],
      });
      response.end('{"ok":true}');
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const fetcher = (): GuardedFetcher => new GuardedFetcher({ timeoutMs: 2000, maxBytes: 1 << 20, allow: new Set([server.authority]) });
  const DID_TYPES = ['application/did+json', 'application/did+ld+json', 'application/json'];

  it('answers status, lower-cased headers (without Set-Cookie) and the body', async () => {
    const response = await fetcher().fetch({ url: `${server.origin}/doc?type=application/json`, accept: ['application/json'] });
    expect(response).toMatchObject({ url: `${server.origin}/doc?type=application/json`, status: 200 });
    expect(response.headers).toMatchObject({ 'cache-control': 'max-age=600', 'content-type': 'application/json', 'x-multi': 'a, b' });
    expect(response.headers).not.toHaveProperty('set-cookie');
    expect(Buffer.from(response.body).toString()).toBe('{"ok":true}');
  });

  it.each([['application/did+json'], ['application/did+ld+json'], ['application/json; charset=utf-8'], ['Application/JSON']])(
    'accepts the content type %j when asked for DID document types',
    async (type) => {
      const response = await fetcher().fetch({ url: `${server.origin}/doc?type=${encodeURIComponent(type)}`, accept: DID_TYPES });
      expect(response.status).toBe(200);
    },
  );

  it.each([['text/html'], ['text/plain'], ['application/jsonx'], ['text/json'], ['application/xml'], ['json'], [''], [null]])(
    'refuses the content type %j (content_type)',
    async (type) => {
      const query = type === null ? '' : `?type=${encodeURIComponent(type)}`;
      await expectFetchFailure(fetcher().fetch({ url: `${server.origin}/doc${query}`, accept: DID_TYPES }), 'content_type');
    },
  );

  it('accepts any content type, even none, when the request names none', async () => {
    expect((await fetcher().fetch({ url: `${server.origin}/doc`, accept: [] })).status).toBe(200);
  });

  it.each([[404], [410], [500], [503], [204 + 100]])('answers http_status with the status for %i', async (code) => {
    const failure = await expectFetchFailure(fetcher().fetch({ url: `${server.origin}/status?code=${code}`, accept: [] }), 'http_status');
    expect(failure.status).toBe(code);
  });

  it('answers network when nothing listens on an allow-listed port', async () => {
    const port = await freePort();
    const closed = new GuardedFetcher({ timeoutMs: 2000, maxBytes: 1024, allow: new Set([`127.0.0.1:${port}`]) });
    await expectFetchFailure(closed.fetch({ url: `http://127.0.0.1:${port}/`, accept: [] }), 'network');
  });

  describe('https', () => {
    let tls: LoopbackServer;
    const certificate = fixture('localhost-cert.pem');

    beforeAll(async () => {
      tls = await serveOnLoopback(
        (_request, response) => {
          response.writeHead(200, { 'content-type': 'application/did+json' }).end('{"id":"did:web:localhost"}');
        },
        { tls: { key: fixture('localhost-key.pem'), cert: certificate } },
      );
    });
    afterAll(async () => {
      await tls.close();
    });

    it('fetches over TLS from an allow-listed name, checking the certificate against the name', async () => {
      const trusting = new GuardedFetcher({
        timeoutMs: 2000,
        maxBytes: 1024,
        allow: new Set([`localhost:${tls.port}`]),
        extraCaCertificates: [certificate],
      });
      const response = await trusting.fetch({ url: `https://localhost:${tls.port}/.well-known/did.json`, accept: DID_TYPES });
      expect(Buffer.from(response.body).toString()).toBe('{"id":"did:web:localhost"}');
    });

    it('refuses a certificate no trusted authority signed (network)', async () => {
      const strict = new GuardedFetcher({ timeoutMs: 2000, maxBytes: 1024, allow: new Set([`localhost:${tls.port}`]) });
      const failure = await expectFetchFailure(strict.fetch({ url: `https://localhost:${tls.port}/`, accept: [] }), 'network');
      expect((failure.cause as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    });

    it('refuses a trusted certificate that does not name the host asked for (network)', async () => {
      const byAddress = new GuardedFetcher({
        timeoutMs: 2000,
        maxBytes: 1024,
        allow: new Set([`127.0.0.1:${tls.port}`]),
        extraCaCertificates: [certificate],
      });
      const failure = await expectFetchFailure(byAddress.fetch({ url: `https://127.0.0.1:${tls.port}/`, accept: [] }), 'network');
      expect((failure.cause as { code?: string }).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    });
  });
});
