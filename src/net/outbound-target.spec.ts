import { describe, expect, it } from '@jest/globals';
import { FetchError } from '../core/ports/fetcher.js';
import { MAX_URL_LENGTH, outboundTarget } from './outbound-target.js';
import { pinAddresses, type HostResolver } from './pinned-address.js';

const NOTHING_ALLOWED: ReadonlySet<string> = new Set();

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof FetchError ? error.reason : `not a FetchError: ${String(error)}`;
  }
  return undefined;
}

async function asyncReasonOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    return error instanceof FetchError ? error.reason : `not a FetchError: ${String(error)}`;
  }
  return undefined;
}

describe('outboundTarget', () => {
  it('names the allow-list key host:port, with the scheme default port', () => {
    expect(outboundTarget('https://Example.COM/a?b', NOTHING_ALLOWED)).toMatchObject({
      host: 'example.com',
      port: 443,
      authority: 'example.com:443',
      allowListed: false,
      ipVersion: 0,
    });
    expect(outboundTarget('http://127.0.0.1:8080/x', new Set(['127.0.0.1:8080']))).toMatchObject({
      authority: '127.0.0.1:8080',
      allowListed: true,
      ipVersion: 4,
    });
    expect(outboundTarget('https://[::1]:8443/', NOTHING_ALLOWED)).toMatchObject({ host: '::1', authority: '[::1]:8443', ipVersion: 6 });
  });

  it.each([['2130706433'], ['0x7f.1'], ['017700000001'], ['0x7f000001'], ['127.1'], ['0177.0.0.1'], ['127.0.0.1.'], ['①②⑦.0.0.1']])(
    'sees the inet_aton spelling %s as the IP literal 127.0.0.1, not as a name',
    (host) => {
      expect(outboundTarget(`https://${host}:8443/`, NOTHING_ALLOWED)).toMatchObject({ host: '127.0.0.1', ipVersion: 4 });
    },
  );

  it.each([
    ['not a URL', 'example.com/did.json'],
    ['empty', ''],
    ['too long', `https://example.com/${'a'.repeat(MAX_URL_LENGTH)}`],
    ['file scheme', 'file:///etc/passwd'],
    ['ftp scheme', 'ftp://example.com/'],
    ['gopher scheme', 'gopher://127.0.0.1:6379/_INFO'],
    ['data URL', 'data:application/json,{}'],
    ['javascript URL', 'javascript:alert(1)'],
    ['user info', 'https://user:secret@example.com/'],
    ['user name only', 'https://user@example.com/'],
    ['port 0', 'https://example.com:0/'],
    ['plain http to a host not allow-listed', 'http://example.com/'],
    ['plain http to an allow-listed host on another port', 'http://127.0.0.1:8081/'],
    ['IPv6 zone id', 'https://[fe80::1%25eth0]/'],
    ['a non-string', 42 as unknown as string],
  ])('refuses %s as url_invalid, before any I/O', (_label, url) => {
    expect(reasonOf(() => outboundTarget(url, new Set(['127.0.0.1:8080'])))).toBe('url_invalid');
  });
});

describe('pinAddresses', () => {
  const resolving = (answers: Record<string, string[]>): HostResolver & { asked: string[] } => {
    const asked: string[] = [];
    const resolver = async (hostname: string) => {
      asked.push(hostname);
      const addresses = answers[hostname];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
    };
    return Object.assign(resolver, { asked });
  };

  it('checks an IP literal directly, without DNS', async () => {
    const resolver = resolving({});
    expect(await asyncReasonOf(() => pinAddresses(outboundTarget('https://127.0.0.1/', NOTHING_ALLOWED), resolver))).toBe('address_blocked');
    expect(await asyncReasonOf(() => pinAddresses(outboundTarget('https://[::ffff:7f00:1]/', NOTHING_ALLOWED), resolver))).toBe('address_blocked');
    expect(await pinAddresses(outboundTarget('https://8.8.8.8/', NOTHING_ALLOWED), resolver)).toEqual([{ address: '8.8.8.8', family: 4 }]);
    expect(resolver.asked).toEqual([]);
  });

  it('refuses a name if any of its addresses is blocked, even when another is public', async () => {
    const resolver = resolving({ 'mixed.example': ['93.184.216.34', '10.0.0.5'], 'rebind.example': ['127.0.0.1'] });
    expect(await asyncReasonOf(() => pinAddresses(outboundTarget('https://mixed.example/', NOTHING_ALLOWED), resolver))).toBe('address_blocked');
    expect(await asyncReasonOf(() => pinAddresses(outboundTarget('https://rebind.example/', NOTHING_ALLOWED), resolver))).toBe('address_blocked');
  });

  it("pins every address of a public name, in the resolver's order, resolving it once", async () => {
    const resolver = resolving({ 'issuer.example': ['2606:4700::1', '93.184.216.34'] });
    expect(await pinAddresses(outboundTarget('https://issuer.example/', NOTHING_ALLOWED), resolver)).toEqual([
      { address: '2606:4700::1', family: 6 },
      { address: '93.184.216.34', family: 4 },
    ]);
    expect(resolver.asked).toEqual(['issuer.example']);
  });

  it('lets an allow-listed host:port resolve to loopback, and only that port', async () => {
    const resolver = resolving({ 'issuer.test': ['127.0.0.1'] });
    const allow = new Set(['issuer.test:8443']);
    expect(await pinAddresses(outboundTarget('https://issuer.test:8443/', allow), resolver)).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await asyncReasonOf(() => pinAddresses(outboundTarget('https://issuer.test/', allow), resolver))).toBe('address_blocked');
  });

  it('answers dns_failed for a name that does not resolve or has no address', async () => {
    const resolver = resolving({ 'empty.example': [] });
    expect(await asyncReasonOf(() => pinAddresses(outboundTarget('https://missing.example/', NOTHING_ALLOWED), resolver))).toBe('dns_failed');
    expect(await asyncReasonOf(() => pinAddresses(outboundTarget('https://empty.example/', NOTHING_ALLOWED), resolver))).toBe('dns_failed');
  });
});
