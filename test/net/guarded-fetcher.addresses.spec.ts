/**
 * The guarded fetcher never reaches an address it did not check: loopback in
 * every spelling, names that resolve to loopback, a second DNS answer, a proxy
 * named in the environment. Canaries are real servers on loopback ports that
 * are NOT allow-listed; each test asserts they accepted zero connections.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { GuardedFetcher } from '../../src/net/guarded-fetcher.js';
import type { HostResolver } from '../../src/net/pinned-address.js';
import { expectFetchFailure } from './fetch-failure.js';
import { json, serveCanary, serveOnLoopback, type LoopbackServer } from './loopback-server.js';

const LIMITS = { timeoutMs: 2000, maxBytes: 1 << 20 };
const ACCEPT_JSON = ['application/json'];

describe('GuardedFetcher: addresses', () => {
  let canary: LoopbackServer;
  let issuer: LoopbackServer;

  beforeAll(async () => {
    canary = await serveCanary();
    issuer = await serveOnLoopback(json({ id: 'did:web:issuer' }));
  });
  afterAll(async () => {
    await canary.close();
    await issuer.close();
  });
  afterEach(() => {
    expect(canary.connections).toBe(0);
  });

  /** Allow-lists the issuer only, never the canary. */
  const fetcher = (resolveHost?: HostResolver): GuardedFetcher =>
    new GuardedFetcher({ ...LIMITS, allow: new Set([issuer.authority]), ...(resolveHost ? { resolveHost } : {}) });

  it('fetches from an allow-listed loopback host:port', async () => {
    const response = await fetcher().fetch({ url: `${issuer.origin}/.well-known/did.json`, accept: ACCEPT_JSON });
    expect(response.status).toBe(200);
    expect(JSON.parse(Buffer.from(response.body).toString())).toEqual({ id: 'did:web:issuer' });
  });

  it.each([
    ['IPv4 loopback', (p: number) => `https://127.0.0.1:${p}/`],
    ['another 127/8 address', (p: number) => `https://127.0.0.2:${p}/`],
    ['decimal IPv4 (2130706433)', (p: number) => `https://2130706433:${p}/`],
    ['hex IPv4 (0x7f.1)', (p: number) => `https://0x7f.1:${p}/`],
    ['octal IPv4 (017700000001)', (p: number) => `https://017700000001:${p}/`],
    ['short IPv4 (127.1)', (p: number) => `https://127.1:${p}/`],
    ['0.0.0.0 (the local host on Linux)', (p: number) => `https://0.0.0.0:${p}/`],
    ['decimal 0', (p: number) => `https://0:${p}/`],
    ['IPv4-mapped IPv6', (p: number) => `https://[::ffff:127.0.0.1]:${p}/`],
    ['IPv6 loopback', (p: number) => `https://[::1]:${p}/`],
    ['IPv6 unspecified', (p: number) => `https://[::]:${p}/`],
    ['NAT64 of loopback', (p: number) => `https://[64:ff9b::7f00:1]:${p}/`],
    ['6to4 of loopback', (p: number) => `https://[2002:7f00:1::]:${p}/`],
    ['localhost', (p: number) => `https://localhost:${p}/`],
    ['LOCALHOST in capitals', (p: number) => `https://LOCALHOST:${p}/`],
  ])('refuses the canary port through %s (address_blocked)', async (_label, url) => {
    await expectFetchFailure(fetcher().fetch({ url: url(canary.port), accept: ACCEPT_JSON }), 'address_blocked');
  });

  it('refuses plain http to a host:port that is not allow-listed before resolving anything (url_invalid)', async () => {
    await expectFetchFailure(fetcher().fetch({ url: `http://127.0.0.1:${canary.port}/`, accept: [] }), 'url_invalid');
    await expectFetchFailure(fetcher().fetch({ url: `http://localhost:${canary.port}/`, accept: [] }), 'url_invalid');
  });

  it('allows exactly the host:port listed: the same host on another port, or another spelling of it, is refused', async () => {
    const sameHostOtherPort = new GuardedFetcher({ ...LIMITS, allow: new Set([`127.0.0.1:${issuer.port}`]) });
    await expectFetchFailure(sameHostOtherPort.fetch({ url: `https://127.0.0.1:${canary.port}/`, accept: [] }), 'address_blocked');
    const byName = new GuardedFetcher({ ...LIMITS, allow: new Set([`localhost:${canary.port}`]) });
    await expectFetchFailure(byName.fetch({ url: `https://127.0.0.1:${canary.port}/`, accept: [] }), 'address_blocked');
    const byAddress = new GuardedFetcher({ ...LIMITS, allow: new Set([`127.0.0.1:${canary.port}`]) });
    await expectFetchFailure(byAddress.fetch({ url: `https://localhost:${canary.port}/`, accept: [] }), 'address_blocked');
  });

  it('refuses a public-looking name that resolves to loopback (resolved offline by an injected resolver)', async () => {
    const asked: string[] = [];
    const toLoopback: HostResolver = async (hostname) => {
      asked.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    await expectFetchFailure(fetcher(toLoopback).fetch({ url: `https://issuer.example.com:${canary.port}/`, accept: [] }), 'address_blocked');
    expect(asked).toEqual(['issuer.example.com']);
  });

  it('refuses a name with one loopback address among public ones', async () => {
    const mixed: HostResolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '::1', family: 6 },
    ];
    await expectFetchFailure(fetcher(mixed).fetch({ url: `https://mixed.example.com:${canary.port}/`, accept: [] }), 'address_blocked');
  });

  it('answers dns_failed when the name does not resolve', async () => {
    const nothing: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expectFetchFailure(fetcher(nothing).fetch({ url: 'https://missing.example.com/', accept: [] }), 'dns_failed');
  });

  describe('DNS rebinding', () => {
    let rebound: LoopbackServer;
    let pinned: LoopbackServer;

    beforeAll(async () => {
      // Same port on two loopback addresses: the first answer serves, the second is a canary.
      pinned = await serveOnLoopback(json({ served: 'by the checked address' }));
      rebound = await serveCanary({ host: '127.0.0.2', port: pinned.port });
    });
    afterAll(async () => {
      await pinned.close();
      await rebound.close();
    });

    it('connects to the address it checked and never asks DNS again', async () => {
      let lookups = 0;
      const rebinding: HostResolver = async () => {
        lookups++;
        return [{ address: lookups === 1 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
      };
      const guarded = new GuardedFetcher({ ...LIMITS, allow: new Set([`rebind.test:${pinned.port}`]), resolveHost: rebinding });
      const response = await guarded.fetch({ url: `http://rebind.test:${pinned.port}/did.json`, accept: ACCEPT_JSON });
      expect(JSON.parse(Buffer.from(response.body).toString())).toEqual({ served: 'by the checked address' });
      expect(lookups).toBe(1);
      expect(rebound.connections).toBe(0);
      expect(pinned.requests[0]?.headers.host).toBe(`rebind.test:${pinned.port}`);
    });
  });

  it('tries every checked address in order: a server on 127.0.0.1 is reached although ::1 comes first', async () => {
    let lookups = 0;
    const bothFamilies: HostResolver = async () => {
      lookups++;
      return [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ];
    };
    const guarded = new GuardedFetcher({ ...LIMITS, allow: new Set([`dual.test:${issuer.port}`]), resolveHost: bothFamilies });
    const response = await guarded.fetch({ url: `http://dual.test:${issuer.port}/did.json`, accept: ACCEPT_JSON });
    expect(response.status).toBe(200);
    expect(lookups).toBe(1);
  });

  describe('proxies named in the environment', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });

    it('are ignored: the request goes to the checked address, not to the proxy', async () => {
      for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy']) process.env[name] = canary.origin;
      process.env.NO_PROXY = '';
      const response = await fetcher().fetch({ url: `${issuer.origin}/did.json`, accept: ACCEPT_JSON });
      expect(response.status).toBe(200);
    });
  });

  it('sends User-Agent kparty, the Accept list, the encodings it can undo, and no cookie or authorization', async () => {
    const before = issuer.requests.length;
    await fetcher().fetch({ url: `${issuer.origin}/who`, accept: ['application/did+json', 'application/json'] });
    const headers = issuer.requests[before]?.headers;
    expect(headers).toMatchObject({
      'user-agent': 'kparty',
      accept: 'application/did+json, application/json',
      'accept-encoding': 'gzip, deflate, br',
      host: issuer.authority,
    });
    expect(headers).not.toHaveProperty('cookie');
    expect(headers).not.toHaveProperty('authorization');
  });
});
