import { describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { fixedClock } from '../core/clock.js';
import { createMemoryStorage } from '../storage/memory/index.js';
import { SessionIssuer } from './session-issuer.js';
import { SigningKeyRing } from './signing-key-ring.js';

const T0 = Date.parse('2026-11-27T12:00:00Z');

async function setup(options = { defaultTtl: 300, maxTtl: 3600 }) {
  const clock = fixedClock(T0);
  const storage = createMemoryStorage();
  const ring = await SigningKeyRing.open(storage.signingKeys, clock);
  const issuer = new SessionIssuer(ring, clock, { issuer: 'https://kparty.example', ...options });
  return { clock, storage, ring, issuer, jwks: createLocalJWKSet(ring.jwks()) };
}

const request = {
  subject: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  audience: 'https://orders.example.com',
  clientId: 'shop-a',
  policyId: 'employee-portal',
  scope: 'orders:read orders:write',
  claims: { email: 'alice@example.com' },
};

describe('SessionIssuer', () => {
  it('mints an RFC 9068 at+jwt that verifies against the published JWKS', async () => {
    const { issuer, jwks, ring } = await setup();
    const session = await issuer.issue(request);
    expect(session).toMatchObject({ tokenType: 'Bearer', expiresIn: 300, scope: 'orders:read orders:write' });
    expect(decodeProtectedHeader(session.token)).toEqual({ alg: 'ES256', kid: ring.current().kid, typ: 'at+jwt' });
    const { payload } = await jwtVerify(session.token, jwks, {
      issuer: 'https://kparty.example',
      audience: 'https://orders.example.com',
      typ: 'at+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(T0),
    });
    expect(payload).toEqual({
      iss: 'https://kparty.example',
      sub: request.subject,
      aud: 'https://orders.example.com',
      iat: T0 / 1000,
      exp: T0 / 1000 + 300,
      jti: session.jti,
      client_id: 'shop-a',
      scope: 'orders:read orders:write',
      policy: 'employee-portal',
      email: 'alice@example.com',
    });
  });

  it('gives every token its own jti', async () => {
    const { issuer } = await setup();
    const [a, b] = await Promise.all([issuer.issue(request), issuer.issue(request)]);
    expect(a.jti).not.toBe(b.jti);
  });

  it('uses the policy TTL but never more than the maximum', async () => {
    const { issuer } = await setup({ defaultTtl: 300, maxTtl: 600 });
    expect((await issuer.issue({ ...request, ttlSeconds: 60 })).expiresIn).toBe(60);
    expect((await issuer.issue({ ...request, ttlSeconds: 86_400 })).expiresIn).toBe(600);
    await expect(issuer.issue({ ...request, ttlSeconds: 0 })).rejects.toThrow(RangeError);
  });

  it('never lets mapped credential claims override registered claims', async () => {
    const { issuer, jwks } = await setup();
    const session = await issuer.issue({
      ...request,
      claims: { sub: 'did:example:mallory', iss: 'https://evil', aud: 'x', exp: 9e9, scope: 'admin', client_id: 'other', email: 'a@b' },
    });
    const { payload } = await jwtVerify(session.token, jwks, { currentDate: new Date(T0) });
    expect(payload).toMatchObject({
      sub: request.subject,
      iss: 'https://kparty.example',
      aud: request.audience,
      exp: T0 / 1000 + 300,
      scope: request.scope,
      client_id: 'shop-a',
      email: 'a@b',
    });
  });

  it('omits scope when the policy grants none', async () => {
    const { issuer, jwks } = await setup();
    const session = await issuer.issue({ ...request, scope: undefined });
    const { payload } = await jwtVerify(session.token, jwks, { currentDate: new Date(T0) });
    expect(payload.scope).toBeUndefined();
  });
});

describe('SigningKeyRing', () => {
  it('creates the first key once and reuses it on the next open', async () => {
    const clock = fixedClock(T0);
    const storage = createMemoryStorage();
    const first = await SigningKeyRing.open(storage.signingKeys, clock);
    const second = await SigningKeyRing.open(storage.signingKeys, clock);
    expect(second.current().kid).toBe(first.current().kid);
    expect(await storage.signingKeys.list()).toHaveLength(1);
  });

  it('publishes only public members', async () => {
    const { ring } = await setup();
    for (const jwk of ring.jwks().keys) expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });
});
