import { describe, expect, it } from '@jest/globals';
import { envoyRequest, forwardedRequest, trustedProxyMatcher } from './forwarded-request.js';
import { presentedToken } from './sender-constraint.js';

const TRAEFIK = { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com', 'x-forwarded-uri': '/orders/7?page=2' };

describe('the original request behind a forward-auth call', () => {
  it('trusts X-Forwarded-* only from KPARTY_TRUST_PROXY peers (addresses, CIDR ranges, IPv4-mapped IPv6)', () => {
    const trusted = trustedProxyMatcher(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    expect(['127.0.0.1', '::ffff:127.0.0.1', '10.1.2.3', 'fd00::1'].map(trusted)).toEqual([true, true, true, true]);
    expect(['127.0.0.2', '11.0.0.1', '::1', 'fe80::1', undefined, 'not-an-ip'].map(trusted)).toEqual([false, false, false, false, false, false]);
    expect(trustedProxyMatcher([])('127.0.0.1')).toBe(false);
  });

  it("rebuilds method and URL from Traefik's headers, and nothing from an untrusted peer", () => {
    expect(forwardedRequest(TRAEFIK, true)).toEqual({ method: 'GET', url: 'https://api.example.com/orders/7?page=2' });
    expect(forwardedRequest(TRAEFIK, false)).toBeUndefined();
  });

  it('refuses missing, repeated and hostile values', () => {
    const hostile: Array<Record<string, string | string[]>> = [
      { ...TRAEFIK, 'x-forwarded-method': 'get' },
      { ...TRAEFIK, 'x-forwarded-method': 'GET\r\nX: y' },
      { ...TRAEFIK, 'x-forwarded-proto': 'ftp' },
      { ...TRAEFIK, 'x-forwarded-proto': ['https', 'http'] },
      { ...TRAEFIK, 'x-forwarded-host': 'user@api.example.com' },
      { ...TRAEFIK, 'x-forwarded-host': 'api.example.com/evil' },
      { ...TRAEFIK, 'x-forwarded-host': 'a b' },
      { ...TRAEFIK, 'x-forwarded-uri': 'orders' },
      { ...TRAEFIK, 'x-forwarded-uri': '//evil.example.com/x' },
      { ...TRAEFIK, 'x-forwarded-uri': `/${'a'.repeat(8192)}` },
    ];
    for (const headers of hostile) expect(forwardedRequest(headers, true)).toBeUndefined();
    const { 'x-forwarded-uri': _uri, ...incomplete } = TRAEFIK;
    expect(forwardedRequest(incomplete, true)).toBeUndefined();
  });

  it("Envoy: the check URL's path after the prefix, scheme from X-Forwarded-Proto, host from Host", () => {
    const headers = { 'x-forwarded-proto': 'https', host: 'api.example.com' };
    expect(envoyRequest('POST', '/v1/auth/check/envoy/orders?x=1', headers, true)).toEqual({ method: 'POST', url: 'https://api.example.com/orders?x=1' });
    expect(envoyRequest('GET', '/v1/auth/check/envoy', headers, true)).toEqual({ method: 'GET', url: 'https://api.example.com/' });
    expect(envoyRequest('GET', '/v1/auth/check/envoy/orders', headers, false)).toBeUndefined();
    expect(envoyRequest('GET', '/v1/auth/check/envoy/orders', { host: 'api.example.com' }, true)).toBeUndefined();
    expect(envoyRequest('GET', '/v1/auth/check/envoy//evil', headers, true)).toEqual({ method: 'GET', url: 'https://api.example.com//evil' });
  });

  it('reads Bearer and DPoP schemes case-insensitively, and nothing else', () => {
    expect(presentedToken('DPoP abc')).toEqual({ scheme: 'DPoP', token: 'abc' });
    expect(presentedToken('dpop abc')).toEqual({ scheme: 'DPoP', token: 'abc' });
    expect(presentedToken('bearer abc')).toEqual({ scheme: 'Bearer', token: 'abc' });
    expect(presentedToken('Bearer')).toEqual({ scheme: 'Bearer', token: '' });
    expect(presentedToken('Basic abc')).toBeUndefined();
    expect(presentedToken(undefined)).toBeUndefined();
  });
});
