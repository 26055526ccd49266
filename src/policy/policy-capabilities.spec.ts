import { describe, expect, it } from '@jest/globals';
import type { PresentationPolicy } from '../core/model/policy.js';
import { DidResolver } from '../did/did-resolver.js';
import { DidJwkResolver } from '../did/methods/jwk.js';
import { DidKeyResolver } from '../did/methods/key.js';
import { didWebHostProblem, offlineDidProblem } from '../did/policy-did-checks.js';
import { checkPolicyCapabilities, type PolicyCapabilities } from './policy-capabilities.js';

/** An Ed25519 did:key (the did:key method specification's own example). */
const GOOD_KEY = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const ALLOW = new Set(['127.0.0.1:8443']);

const dids = new DidResolver([new DidKeyResolver(), new DidJwkResolver()]);
const capabilities: PolicyCapabilities = {
  didMethods: ['key', 'jwk', 'web'],
  offlineDidProblem: offlineDidProblem(dids, ALLOW),
  didWebHostProblem: didWebHostProblem(ALLOW),
  credentialFormats: new Set(['fmt-a', 'fmt-b']),
};

function policy(trustedIssuers: string[], extra: Record<string, unknown> = {}): PresentationPolicy {
  return {
    id: 'p',
    audience: 'https://orders.example.com',
    credentials: [{ id: 'q', format: 'fmt-a', trustedIssuers, ...extra }],
  } as unknown as PresentationPolicy;
}

describe('checkPolicyCapabilities', () => {
  it('accepts what can be verified, without warnings', async () => {
    await expect(checkPolicyCapabilities(policy([GOOD_KEY, 'did:web:hr.example.com', 'did:web:*.example.com']), capabilities)).resolves.toEqual({
      violations: [],
      warnings: [],
    });
  });

  it.each([
    ['an unsupported DID method', 'did:kye:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', /DID method "kye" is not supported \(supported: jwk, key, web\)/],
    ['a did:key that does not decode', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do', /cannot be resolved/],
    ['a did:key that is not base58btc', 'did:key:z0OIl0OIl', /cannot be resolved/],
    ['a did:jwk that is not JSON', 'did:jwk:bm90LWpzb24', /cannot be resolved/],
    ['a did:web naming an IP address that is not allow-listed', 'did:web:10.0.0.1', /cannot be resolved: invalid did:web: the host is an IP address/],
    ['a did:web with an empty path segment', 'did:web:example.com::x', /cannot be resolved: invalid did:web/],
    ['something that is not a DID nor an issuer URL', 'hr.example.com', /is not a DID/],
    ['a DID without a method-specific id', 'did:web', /is not a DID/],
  ])('refuses %s with policy.invalid at its path', async (_label, issuer, detail) => {
    const { violations } = await checkPolicyCapabilities(policy([GOOD_KEY, issuer]), capabilities);
    expect(violations).toEqual([{ code: 'policy.invalid', path: '/credentials/0/trustedIssuers/1', detail: expect.stringMatching(detail) }]);
  });

  it('leaves issuer URLs, x509_hash identifiers and pinned keys of an https issuer alone', async () => {
    const pinned = { id: 'https://issuer.example.com', jwks: { keys: [] } };
    const result = await checkPolicyCapabilities(policy([pinned as never, 'https://issuer.example.com', 'x509_hash:abc']), capabilities);
    expect(result).toEqual({ violations: [], warnings: [] });
  });

  it('refuses a format no installed handler produces, naming the installed ones', async () => {
    const { violations } = await checkPolicyCapabilities(
      { ...policy([GOOD_KEY]), credentials: [{ id: 'q', format: 'fmt-c', trustedIssuers: [GOOD_KEY] }] } as unknown as PresentationPolicy,
      capabilities,
    );
    expect(violations).toEqual([
      { code: 'policy.invalid', path: '/credentials/0/format', detail: 'no installed format handler verifies "fmt-c" credentials (installed: fmt-a, fmt-b)' },
    ]);
  });

  it('skips the format check when the handlers do not say what they produce', async () => {
    const { credentialFormats: _formats, ...undeclared } = capabilities;
    const result = await checkPolicyCapabilities(
      { ...policy([GOOD_KEY]), credentials: [{ id: 'q', format: 'fmt-c', trustedIssuers: [GOOD_KEY] }] } as unknown as PresentationPolicy,
      undeclared,
    );
    expect(result.violations).toEqual([]);
  });

  it('warns about any issuer, status ignored and a local did:web host, and accepts them', async () => {
    const anyIssuer = await checkPolicyCapabilities(policy(['*'], { status: 'ignore' }), capabilities);
    expect(anyIssuer).toEqual({
      violations: [],
      warnings: [
        { path: '/credentials/0/status', detail: 'status is not checked: a revoked or suspended credential is accepted' },
        { path: '/credentials/0/trustedIssuers/0', detail: '"*" trusts any issuer: anyone can issue a credential of this type to themselves' },
      ],
    });
    const local = await checkPolicyCapabilities(policy(['did:web:localhost%3A8080', 'did:web:127.0.0.1%3A8443']), capabilities);
    expect(local).toEqual({
      violations: [],
      warnings: [
        {
          path: '/credentials/0/trustedIssuers/0',
          detail: 'localhost is a local or private host: kparty fetches its DID document only when KPARTY_OUTBOUND_ALLOW lists localhost:8080',
        },
      ],
    });
  });

  it('caps what it echoes of a hostile issuer string', async () => {
    const { violations } = await checkPolicyCapabilities(policy([`did:nope:${'x'.repeat(5000)}`]), capabilities);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.detail!.length).toBeLessThan(400);
  });
});
