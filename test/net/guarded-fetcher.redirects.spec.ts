/**
 * Redirects are followed by hand, at most 3, and every hop is checked like a
 * first URL: a redirect from an allowed host to one that is not allowed never
 * reaches it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { GuardedFetcher, MAX_REDIRECTS } from '../../src/net/guarded-fetcher.js';
import { expectFetchFailure } from './fetch-failure.js';
import { json, serveCanary, serveOnLoopback, type LoopbackServer } from './loopback-server.js';

describe('GuardedFetcher: redirects', () => {
  let canary: LoopbackServer;
  let origin: LoopbackServer;
  let target: LoopbackServer;
  /** Where the origin server's next answer redirects to, per path. */
  const redirects = new Map<string, { status: number; location?: string }>();

  beforeAll(async () => {
    canary = await serveCanary();
    target = await serveOnLoopback(json({ at: 'target' }));
    origin = await serveOnLoopback((request, response) => {
      const path = request.url ?? '/';
      const hop = /^\/hop\/(\d+)$/.exec(path);
      if (hop) {
        const left = Number(hop[1]);
        if (left === 0) return json({ at: 'end of chain' })(request, response);
        response.writeHead(302, { location: `/hop/${left - 1}` }).end();
        return;
      }
      const redirect = redirects.get(path);
      if (!redirect) return json({ at: 'origin' })(request, response);
      response.writeHead(redirect.status, redirect.location === undefined ? {} : { location: redirect.location }).end();
    });
  });
  afterAll(async () => {
    await Promise.all([canary.close(), origin.close(), target.close()]);
  });
  afterEach(() => {
    expect(canary.connections).toBe(0);
    redirects.clear();
  });

  const fetcher = (): GuardedFetcher => new GuardedFetcher({ timeoutMs: 3000, maxBytes: 1 << 20, allow: new Set([origin.authority, target.authority]) });
  const fetchPath = (path: string) => fetcher().fetch({ url: `${origin.origin}${path}`, accept: ['application/json'] });

  it.each([[301], [302], [303], [307], [308]])('follows a %i from an allowed host to another allowed host', async (status) => {
    redirects.set('/moved', { status, location: `${target.origin}/did.json` });
    const response = await fetchPath('/moved');
    expect(response.url).toBe(`${target.origin}/did.json`);
    expect(JSON.parse(Buffer.from(response.body).toString())).toEqual({ at: 'target' });
  });

  it('resolves a relative Location against the URL that answered', async () => {
    redirects.set('/relative', { status: 302, location: 'elsewhere?x=1' });
    const response = await fetchPath('/relative');
    expect(response.url).toBe(`${origin.origin}/elsewhere?x=1`);
  });

  it(`follows ${MAX_REDIRECTS} redirects and refuses the ${MAX_REDIRECTS + 1}th (too_many_redirects)`, async () => {
    const response = await fetchPath(`/hop/${MAX_REDIRECTS}`);
    expect(response.url).toBe(`${origin.origin}/hop/0`);
    const before = origin.requests.length;
    await expectFetchFailure(fetchPath(`/hop/${MAX_REDIRECTS + 1}`), 'too_many_redirects');
    expect(origin.requests.length - before).toBe(MAX_REDIRECTS + 1);
  });

  it.each([
    ['a loopback port that is not allow-listed', (c: LoopbackServer) => `http://127.0.0.1:${c.port}/did.json`],
    ['the same over https', (c: LoopbackServer) => `https://127.0.0.1:${c.port}/did.json`],
    ['localhost on that port', (c: LoopbackServer) => `https://localhost:${c.port}/`],
    ['a decimal spelling of loopback', (c: LoopbackServer) => `https://2130706433:${c.port}/`],
    ['IPv4-mapped loopback', (c: LoopbackServer) => `https://[::ffff:127.0.0.1]:${c.port}/`],
    ['the cloud metadata service', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', () => 'https://10.0.0.1/'],
    ['a file URL', () => 'file:///etc/passwd'],
    ['a URL with user info', (c: LoopbackServer) => `https://user:pw@127.0.0.1:${c.port}/`],
    ['an unparseable Location', () => 'http://[not-an-address/'],
  ])('refuses a redirect from an allowed host to %s (redirect_refused)', async (_label, location) => {
    redirects.set('/escape', { status: 302, location: location(canary) });
    await expectFetchFailure(fetchPath('/escape'), 'redirect_refused');
  });

  it('refuses a downgrade from an allowed https-only name to plain http on a host that is not allow-listed', async () => {
    redirects.set('/downgrade', { status: 301, location: `http://localhost:${canary.port}/` });
    await expectFetchFailure(fetchPath('/downgrade'), 'redirect_refused');
  });

  it('answers http_status for a redirect status without a Location', async () => {
    redirects.set('/nowhere', { status: 302 });
    const failure = await expectFetchFailure(fetchPath('/nowhere'), 'http_status');
    expect(failure.status).toBe(302);
  });
});
