import { isDidWebPattern, isTrustedIssuer, matchesDidWebPattern, pinnedIssuers, trustFailure } from './trusted-issuers.js';

describe('matchesDidWebPattern', () => {
  const pattern = 'did:web:*.example.com';

  it.each([
    ['did:web:hr.example.com', 'a subdomain'],
    ['did:web:a.b.example.com', 'a deeper subdomain'],
    ['did:web:HR.Example.COM', 'a subdomain spelled in other case (DNS names are case-insensitive)'],
    ['did:web:xn--bcher-kva.example.com', 'an IDN subdomain in its ASCII (punycode) form'],
    ['did:web:1-2.example.com', 'a label with digits and a hyphen'],
  ])('matches %s (%s)', (issuer) => {
    expect(matchesDidWebPattern(pattern, issuer)).toBe(true);
  });

  it.each([
    ['did:web:example.com', 'the domain itself: list it exactly to trust it'],
    ['did:web:evilexample.com', 'a domain that merely ends with the same letters'],
    ['did:web:example.com.evil.org', 'a domain that merely starts with it'],
    ['did:web:hr.example.com.evil.org', 'a subdomain name under another domain'],
    ['did:web:hr.example.com:users:alice', 'a DID with a path (a separate identity the host serves)'],
    ['did:web:hr.example.com%3A8443', 'a port the pattern does not name'],
    ['did:web:hr.example.com%3A443', 'an explicit default port'],
    ['did:web:hr.example.com.', 'a trailing dot'],
    ['did:web:hr..example.com', 'an empty label'],
    ['did:web:.example.com', 'an empty subdomain label'],
    ['did:web:-hr.example.com', 'a label starting with a hyphen'],
    ['did:web:hr-.example.com', 'a label ending with a hyphen'],
    ['did:web:hr.example.com%2Fevil', 'a percent-encoded slash'],
    ['did:web:hr%2Eexample.com', 'a percent-encoded dot'],
    ['did:web:evil.org%2F.example.com', 'a percent-encoded path before the domain'],
    ['did:web:evil.org%40hr.example.com', 'a percent-encoded userinfo'],
    ['did:web:hr.example.com#key-1', 'a fragment'],
    ['did:web:hr.example.com?service=x', 'a query'],
    ['did:web:hr.example.com\n', 'a trailing newline'],
    ['did:web:*.example.com', 'the pattern itself as an issuer'],
    ['did:web:x.*.example.com', 'a wildcard in the issuer'],
    ['did:webs:hr.example.com', 'another DID method'],
    ['did:WEB:hr.example.com', 'the method name in other case (DID methods are lower-case)'],
    ['did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'a did:key'],
    ['https://hr.example.com', 'a URL'],
    ['', 'an empty string'],
  ])('does not match %j (%s)', (issuer) => {
    expect(matchesDidWebPattern(pattern, issuer)).toBe(false);
  });

  describe('ports', () => {
    const withPort = 'did:web:*.example.com%3A8443';

    it('a pattern with a port matches subdomains on that port only', () => {
      expect(matchesDidWebPattern(withPort, 'did:web:hr.example.com%3A8443')).toBe(true);
      expect(matchesDidWebPattern(withPort, 'did:web:hr.example.com%3a8443')).toBe(true);
      expect(matchesDidWebPattern(withPort, 'did:web:hr.example.com%3A9443')).toBe(false);
      expect(matchesDidWebPattern(withPort, 'did:web:hr.example.com')).toBe(false);
      expect(matchesDidWebPattern(withPort, 'did:web:example.com%3A8443')).toBe(false);
    });

    it('ignores out-of-range ports on either side', () => {
      expect(matchesDidWebPattern('did:web:*.example.com%3A0', 'did:web:hr.example.com%3A0')).toBe(false);
      expect(matchesDidWebPattern('did:web:*.example.com%3A99999', 'did:web:hr.example.com%3A99999')).toBe(false);
    });
  });

  it('compares the pattern domain case-insensitively', () => {
    expect(matchesDidWebPattern('did:web:*.EXAMPLE.com', 'did:web:hr.example.com')).toBe(true);
  });

  it.each(['did:web:*', 'did:web:*.com', 'did:web:*example.com', 'did:web:**.example.com', 'did:web:*.example.com:path', 'did:web:hr.example.com'])(
    'a malformed pattern %j matches nothing',
    (malformed) => {
      expect(matchesDidWebPattern(malformed, 'did:web:hr.example.com')).toBe(false);
      expect(matchesDidWebPattern(malformed, 'did:web:a.hr.example.com')).toBe(false);
    },
  );
});

describe('isTrustedIssuer', () => {
  it('"*" trusts any issuer', () => {
    expect(isTrustedIssuer('did:key:z6Mkanything', ['*'])).toBe(true);
  });

  it('an exact entry matches byte for byte only', () => {
    const trusted = ['did:web:hr.example.com'];
    expect(isTrustedIssuer('did:web:hr.example.com', trusted)).toBe(true);
    expect(isTrustedIssuer('did:web:HR.example.com', trusted)).toBe(false);
    expect(isTrustedIssuer('did:web:a.hr.example.com', trusted)).toBe(false);
    expect(isTrustedIssuer('did:web:hr.example.com ', trusted)).toBe(false);
  });

  it('an exact did:web entry may name a path DID', () => {
    expect(isTrustedIssuer('did:web:hr.example.com:users:alice', ['did:web:*.example.com', 'did:web:hr.example.com:users:alice'])).toBe(true);
  });

  it('any matching entry is enough', () => {
    const trusted = ['did:key:z6MkOther', 'did:web:*.example.com'];
    expect(isTrustedIssuer('did:web:hr.example.com', trusted)).toBe(true);
    expect(isTrustedIssuer('did:web:evil.org', trusted)).toBe(false);
  });

  it('an issuer spelled like a pattern is not trusted by that pattern', () => {
    expect(isTrustedIssuer('did:web:*.example.com', ['did:web:*.example.com'])).toBe(false);
  });

  it('isDidWebPattern tells patterns from exact DIDs', () => {
    expect(isDidWebPattern('did:web:*.example.com')).toBe(true);
    expect(isDidWebPattern('did:web:hr.example.com')).toBe(false);
    expect(isDidWebPattern('*')).toBe(false);
  });
});

describe('trustFailure (trustedIssuers and DCQL trusted_authorities)', () => {
  const x509 = { issuer: 'x509_hash:abc', issuerKeyIds: ['root-ski', 'ca-ski'] };
  const did = { issuer: 'did:web:hr.example.com' };

  it('accepts when every rule present holds', () => {
    expect(trustFailure({ trustedIssuers: ['*'] }, did)).toBeUndefined();
    expect(trustFailure({ trusted_authorities: [{ type: 'aki', values: ['ca-ski'] }] }, x509)).toBeUndefined();
    expect(trustFailure({ trustedIssuers: ['x509_hash:abc'], trusted_authorities: [{ type: 'aki', values: ['root-ski'] }] }, x509)).toBeUndefined();
  });

  it('refuses when one rule fails, when both are given', () => {
    expect(trustFailure({ trustedIssuers: ['x509_hash:other'], trusted_authorities: [{ type: 'aki', values: ['root-ski'] }] }, x509)).toBe('is not trusted');
    expect(trustFailure({ trustedIssuers: ['*'], trusted_authorities: [{ type: 'aki', values: ['nope'] }] }, x509)).toMatch(/trusted_authorities/);
  });

  it('never matches an aki for a DID-signed credential', () => {
    expect(trustFailure({ trusted_authorities: [{ type: 'aki', values: ['root-ski'] }] }, did)).toMatch(/no X\.509 chain/);
  });

  it('accepts nothing without any rule', () => {
    expect(trustFailure({}, did)).toBeDefined();
  });

  it('matches a pinned-key entry by its id, and lists the pinned entries', () => {
    const pinned = { id: 'https://issuer.example.com', jwks: { keys: [{ kty: 'OKP' }] } };
    expect(isTrustedIssuer('https://issuer.example.com', [pinned])).toBe(true);
    expect(isTrustedIssuer('https://other.example.com', [pinned])).toBe(false);
    expect(pinnedIssuers([{ trustedIssuers: ['*'] }, { trustedIssuers: [pinned, 'did:web:a.example.com'] }, {}])).toEqual([pinned]);
  });
});
