import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, createPrivateKey, sign } from 'node:crypto';
import { exportJWK } from 'jose';
import { AUDIENCE, INTROSPECTION_PATH, JWKS_PATH, json, METADATA_PATH, signingKey, startLocalIssuer, type LocalIssuer } from './__fixtures__/local-issuer.js';
import { IssuerUnavailableError, SessionTokenError } from './errors.js';
import { IssuerDirectory } from './issuer-directory.js';
import { verifySessionToken, type VerifySessionTokenOptions } from './verify-session-token.js';

let local: LocalIssuer;

beforeAll(async () => {
  local = await startLocalIssuer();
});
afterAll(async () => {
  await local.close();
});
afterEach(() => {
  for (const path of [METADATA_PATH, JWKS_PATH, INTROSPECTION_PATH]) local.override(path, undefined);
  local.published.splice(1);
  local.active = true;
  local.hits.clear();
});

/** Options over a fresh cache, so each test sees its own fetches. */
const options = (extra: Partial<VerifySessionTokenOptions> = {}): VerifySessionTokenOptions => ({
  issuer: local.issuer,
  audience: AUDIENCE,
  directory: new IssuerDirectory(),
  ...extra,
});

/** Expects a SessionTokenError with this code and reason. */
async function refused(promise: Promise<unknown>, code: string, reason: string): Promise<SessionTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SessionTokenError);
  expect({ code: (error as SessionTokenError).code, reason: (error as SessionTokenError).reason }).toEqual({ code, reason });
  return error as SessionTokenError;
}

/** Signs any header and payload bytes with the published ES256 key (jose refuses to produce some of these). */
async function signRaw(header: Record<string, unknown>, payload: Buffer): Promise<string> {
  const key = createPrivateKey({ key: await exportJWK(local.published[0]!.privateKey), format: 'jwk' });
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload.toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

async function unavailable(promise: Promise<unknown>, reason: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IssuerUnavailableError);
  expect((error as IssuerUnavailableError).reason).toBe(reason);
}

describe('verifySessionToken: accepted tokens', () => {
  it('returns the claims of an ES256 at+jwt, fetching metadata and JWKS once for many tokens', async () => {
    const opts = options();
    const claims = await verifySessionToken(await local.mint(), opts);
    expect(claims).toMatchObject({ iss: local.issuer, aud: AUDIENCE, client_id: 'orders', scope: 'orders:read orders:write', policy: 'employee-portal' });
    for (let i = 0; i < 5; i++) await verifySessionToken(await local.mint(), opts);
    expect(local.hits.get(METADATA_PATH)).toBe(1);
    expect(local.hits.get(JWKS_PATH)).toBe(1);
  });

  it('accepts EdDSA (docs/api.md "Session tokens": ES256 or EdDSA) and typ "application/at+jwt" (RFC 9068 §4)', async () => {
    const ed = await signingKey('EdDSA', 'ed-1');
    local.published.push(ed);
    expect((await verifySessionToken(await local.mint({ key: ed }), options())).sub).toMatch(/^did:key:/);
    await verifySessionToken(await local.mint({ header: { typ: 'application/at+jwt' } }), options());
  });

  it('accepts a token whose aud lists this API among others, and any of several configured audiences', async () => {
    await verifySessionToken(await local.mint({ claims: { aud: ['https://other.example', AUDIENCE] } }), options());
    await verifySessionToken(await local.mint(), options({ audience: ['https://other.example', AUDIENCE] }));
  });

  it('accepts when every required scope is granted', async () => {
    await verifySessionToken(await local.mint(), options({ scopes: ['orders:write', 'orders:read'] }));
  });
});

describe('verifySessionToken: refused tokens (invalid_token)', () => {
  it('refuses a token of another typ, even signed by a published key', async () => {
    await refused(verifySessionToken(await local.mint({ header: { typ: 'JWT' } }), options()), 'invalid_token', 'typ_mismatch');
    await refused(verifySessionToken(await local.mint({ header: { typ: undefined } }), options()), 'invalid_token', 'typ_mismatch');
    await refused(verifySessionToken(await local.mint({ header: { typ: 'vc+jwt' } }), options()), 'invalid_token', 'typ_mismatch');
  });

  it('refuses alg "none" without fetching any key', async () => {
    const [, payload] = (await local.mint()).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: 'key-1' })).toString('base64url');
    const opts = options();
    await refused(verifySessionToken(`${header}.${payload}.`, opts), 'invalid_token', 'alg_forbidden');
    expect(local.hits.get(JWKS_PATH)).toBeUndefined();
  });

  it('refuses HS256 keyed with the public key (algorithm confusion) and an algorithm left out of the options', async () => {
    const [, payload] = (await local.mint()).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: 'key-1' })).toString('base64url');
    const mac = createHmac('sha256', JSON.stringify(local.published[0]!.publicJwk)).update(`${header}.${payload}`).digest('base64url');
    await refused(verifySessionToken(`${header}.${payload}.${mac}`, options()), 'invalid_token', 'alg_forbidden');
    const ed = await signingKey('EdDSA', 'ed-2');
    local.published.push(ed);
    await refused(verifySessionToken(await local.mint({ key: ed }), options({ algorithms: ['ES256'] })), 'invalid_token', 'alg_forbidden');
  });

  it('refuses a token signed by a key the issuer does not publish, and one whose kid names a published key', async () => {
    const foreign = await signingKey('ES256', 'key-foreign');
    await refused(verifySessionToken(await local.mint({ key: foreign }), options()), 'invalid_token', 'unknown_key');
    const impostor = { ...foreign, kid: 'key-1' };
    await refused(verifySessionToken(await local.mint({ key: impostor }), options()), 'invalid_token', 'signature_invalid');
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await local.mint()).split('.');
    const payload = Buffer.from(
      JSON.stringify({ iss: local.issuer, sub: 'did:example:mallory', aud: AUDIENCE, exp: 9e9, iat: 1, jti: 'x', client_id: 'orders', scope: 'admin' }),
    ).toString('base64url');
    await refused(verifySessionToken(`${header}.${payload}.${signature}`, options()), 'invalid_token', 'signature_invalid');
  });

  it('refuses another issuer, another audience', async () => {
    await refused(verifySessionToken(await local.mint({ claims: { iss: 'https://evil.example' } }), options()), 'invalid_token', 'issuer_mismatch');
    await refused(verifySessionToken(await local.mint({ claims: { aud: 'https://other.example' } }), options()), 'invalid_token', 'audience_mismatch');
  });

  it('refuses expired, not-yet-valid, future-issued and too old tokens, within the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(verifySessionToken(await local.mint({ claims: { iat: now - 100, exp: now - 10 } }), options()), 'invalid_token', 'expired');
    await verifySessionToken(await local.mint({ claims: { iat: now - 100, exp: now - 10 } }), options({ clockToleranceSeconds: 30 }));
    await refused(verifySessionToken(await local.mint({ claims: { nbf: now + 60 } }), options()), 'invalid_token', 'not_yet_valid');
    await refused(verifySessionToken(await local.mint({ claims: { iat: now + 60, exp: now + 360 } }), options()), 'invalid_token', 'issued_in_future');
    await refused(verifySessionToken(await local.mint({ claims: { iat: now - 90_000, exp: now + 60 } }), options()), 'invalid_token', 'expired');
  });

  it.each(['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'])('refuses a token without %s (RFC 9068 §2.2)', async (claim) => {
    await refused(verifySessionToken(await local.mint({ claims: { [claim]: undefined } }), options()), 'invalid_token', 'claim_missing');
  });

  it.each([
    ['sub', 42],
    ['client_id', ['orders']],
    ['jti', ''],
    ['scope', ['orders:read']],
    ['exp', '9999999999'],
  ])('refuses a token whose %s is of the wrong type', async (claim, value) => {
    await refused(verifySessionToken(await local.mint({ claims: { [claim]: value } }), options()), 'invalid_token', 'claim_invalid');
  });

  it('refuses an unknown critical header', async () => {
    const [, payload] = (await local.mint()).split('.');
    const token = await signRaw(
      { alg: 'ES256', kid: 'key-1', typ: 'at+jwt', crit: ['urn:example:must'], 'urn:example:must': 1 },
      Buffer.from(payload!, 'base64url'),
    );
    await refused(verifySessionToken(token, options()), 'invalid_token', 'header_unsupported');
  });

  it('refuses a correctly signed token whose payload is not a JSON object', async () => {
    for (const payload of ['[', '[]', '"text"', 'null']) {
      await refused(
        verifySessionToken(await signRaw({ alg: 'ES256', kid: 'key-1', typ: 'at+jwt' }, Buffer.from(payload)), options()),
        'invalid_token',
        'token_malformed',
      );
    }
  });

  it.each([
    ['an empty string', ''],
    ['one segment', 'abc'],
    ['two segments', 'a.b'],
    ['four segments', 'a.b.c.d'],
    ['non-base64url characters', 'a+b.c/d.e=='],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.sig`],
    ['a JWE-looking five parts', 'a.b.c.d.e'],
  ])('refuses %s as malformed', async (_label, token) => {
    const error = await refused(verifySessionToken(token, options()), 'invalid_token', 'token_malformed');
    expect(error.status).toBe(401);
  });

  it('refuses a huge token before parsing or fetching anything', async () => {
    const opts = options();
    await refused(verifySessionToken('a'.repeat(9000), opts), 'invalid_token', 'token_too_large');
    await refused(verifySessionToken(42 as unknown as string, opts), 'invalid_token', 'token_malformed');
    expect(local.hits.size).toBe(0);
  });
});

describe('verifySessionToken: scopes', () => {
  it('answers insufficient_scope naming every required scope in WWW-Authenticate', async () => {
    const error = await refused(
      verifySessionToken(await local.mint({ claims: { scope: 'orders:read' } }), options({ scopes: ['orders:read', 'orders:write'] })),
      'insufficient_scope',
      'scope_missing',
    );
    expect(error.status).toBe(403);
    expect(error.wwwAuthenticate).toBe(
      'Bearer error="insufficient_scope", error_description="the token lacks the scope orders:write", scope="orders:read orders:write"',
    );
  });

  it('treats a missing scope claim as no scope, and scopes as case-sensitive whole tokens', async () => {
    await refused(
      verifySessionToken(await local.mint({ claims: { scope: undefined } }), options({ scopes: ['orders:read'] })),
      'insufficient_scope',
      'scope_missing',
    );
    await refused(
      verifySessionToken(await local.mint({ claims: { scope: 'Orders:Read orders:readx' } }), options({ scopes: ['orders:read'] })),
      'insufficient_scope',
      'scope_missing',
    );
  });
});

describe('verifySessionToken: key rotation', () => {
  it('refetches the JWKS once for a token with an unknown kid, then not again within the cooldown', async () => {
    const opts = options({ directory: new IssuerDirectory({ jwksCooldownMs: 60_000 }) });
    await verifySessionToken(await local.mint(), opts);
    expect(local.hits.get(JWKS_PATH)).toBe(1);
    const next = await signingKey('ES256', 'key-2');
    // The guard's copy predates key-2; the first key-2 token is still inside the cooldown:
    local.published.push(next);
    await refused(verifySessionToken(await local.mint({ key: next }), opts), 'invalid_token', 'unknown_key');
    expect(local.hits.get(JWKS_PATH)).toBe(1);
  });

  it('accepts a token of a newly published key after the cooldown, with exactly one more fetch', async () => {
    const opts = options({ directory: new IssuerDirectory({ jwksCooldownMs: 200 }) });
    await verifySessionToken(await local.mint(), opts);
    const next = await signingKey('ES256', 'key-3');
    local.published.push(next);
    await new Promise((ok) => setTimeout(ok, 250));
    await verifySessionToken(await local.mint({ key: next }), opts);
    await verifySessionToken(await local.mint({ key: next }), opts);
    expect(local.hits.get(JWKS_PATH)).toBe(2);
  });

  it('does not let forged kids cause more than one fetch per cooldown', async () => {
    const opts = options({ directory: new IssuerDirectory({ jwksCooldownMs: 60_000 }) });
    await verifySessionToken(await local.mint(), opts);
    const forger = await signingKey('ES256', 'x');
    for (let i = 0; i < 20; i++) {
      await refused(verifySessionToken(await local.mint({ key: { ...forger, kid: `made-up-${i}` } }), opts), 'invalid_token', 'unknown_key');
    }
    expect(local.hits.get(JWKS_PATH)).toBe(1);
  });
});

describe('verifySessionToken: discovery (RFC 8414)', () => {
  it('refuses metadata naming another issuer (§3.3), fails closed', async () => {
    local.override(METADATA_PATH, (_req, res) => json(res, 200, { issuer: 'https://evil.example', jwks_uri: `${local.issuer}${JWKS_PATH}` }));
    await unavailable(verifySessionToken(await local.mint(), options()), 'issuer_mismatch');
    expect(local.hits.get(JWKS_PATH)).toBeUndefined();
  });

  it.each([
    ['a 500', (res: Parameters<typeof json>[0]) => json(res, 500, {})],
    ['not JSON', (res: Parameters<typeof json>[0]) => res.end('<html>')],
    ['a JSON array', (res: Parameters<typeof json>[0]) => json(res, 200, [])],
    ['no jwks_uri', (res: Parameters<typeof json>[0]) => json(res, 200, { issuer: local.issuer })],
    ['a jwks_uri that is not a URL', (res: Parameters<typeof json>[0]) => json(res, 200, { issuer: local.issuer, jwks_uri: 'keys' })],
    [
      'a redirect',
      (res: Parameters<typeof json>[0]) => {
        res.writeHead(302, { location: 'http://127.0.0.1:1/' });
        res.end();
      },
    ],
    [
      '2 MB',
      (res: Parameters<typeof json>[0]) => json(res, 200, { issuer: local.issuer, jwks_uri: `${local.issuer}${JWKS_PATH}`, pad: 'x'.repeat(2_000_000) }),
    ],
  ])('fails closed when the metadata is %s', async (_label, answer) => {
    local.override(METADATA_PATH, (_req, res) => answer(res));
    await unavailable(verifySessionToken(await local.mint(), options()), 'bad_response');
  });

  it('fails closed when the JWKS cannot be fetched or is not a key set', async () => {
    local.override(JWKS_PATH, (_req, res) => json(res, 503, {}));
    await unavailable(verifySessionToken(await local.mint(), options()), 'bad_response');
    local.override(JWKS_PATH, (_req, res) => json(res, 200, { keys: 'none' }));
    await unavailable(verifySessionToken(await local.mint(), options()), 'bad_response');
  });

  it('fails closed when the issuer is unreachable, and when it is too slow', async () => {
    await unavailable(verifySessionToken(await local.mint(), options({ issuer: 'http://127.0.0.1:1' })), 'unreachable');
    local.override(METADATA_PATH, () => undefined);
    const directory = new IssuerDirectory({ fetchLimits: { timeoutMs: 200, maxBytes: 10_000 } });
    await unavailable(verifySessionToken(await local.mint(), options({ directory })), 'unreachable');
  });

  it('retries discovery after a failure, and keeps the last good metadata while the issuer is unreachable', async () => {
    const directory = new IssuerDirectory({ metadataMaxAgeMs: 0 });
    local.override(METADATA_PATH, (_req, res) => json(res, 500, {}));
    await unavailable(verifySessionToken(await local.mint(), options({ directory })), 'bad_response');
    local.override(METADATA_PATH, undefined);
    await verifySessionToken(await local.mint(), options({ directory }));
    local.override(METADATA_PATH, (req) => req.socket.destroy());
    await verifySessionToken(await local.mint(), options({ directory }));
  });

  it('shares one discovery between concurrent first requests', async () => {
    const opts = options();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => local.mint()));
    await Promise.all(tokens.map((token) => verifySessionToken(token, opts)));
    expect(local.hits.get(METADATA_PATH)).toBe(1);
    expect(local.hits.get(JWKS_PATH)).toBe(1);
  });
});

describe('verifySessionToken: introspection mode (RFC 7662)', () => {
  it('posts the token as a form with the relying party key and accepts an active token', async () => {
    await verifySessionToken(await local.mint(), options({ introspection: { clientKey: 'kpk_test' } }));
    expect(local.introspections.at(-1)).toMatchObject({ authorization: 'Bearer kpk_test', contentType: 'application/x-www-form-urlencoded' });
    expect(new URLSearchParams(local.introspections.at(-1)!.body).get('token')).toMatch(/^ey/);
  });

  it('refuses a token kparty reports inactive (revoked)', async () => {
    local.active = false;
    await refused(verifySessionToken(await local.mint(), options({ introspection: { clientKey: 'kpk_test' } })), 'invalid_token', 'inactive');
  });

  it('does not introspect a token that fails locally', async () => {
    const before = local.introspections.length;
    await refused(
      verifySessionToken(await local.mint({ claims: { aud: 'https://other.example' } }), options({ introspection: { clientKey: 'kpk_test' } })),
      'invalid_token',
      'audience_mismatch',
    );
    expect(local.introspections).toHaveLength(before);
  });

  it.each([
    ['refuses the key', 401, { error: 'invalid_client' }, 'client_unauthorized'],
    ['answers 500', 500, {}, 'bad_response'],
    ['answers without a boolean active', 200, { active: 'yes' }, 'bad_response'],
  ])('fails closed when the endpoint %s', async (_label, status, body, reason) => {
    local.override(INTROSPECTION_PATH, (_req, res) => json(res, status, body));
    await unavailable(verifySessionToken(await local.mint(), options({ introspection: { clientKey: 'kpk_test' } })), reason);
  });

  it('fails closed when the metadata names no introspection endpoint', async () => {
    local.override(METADATA_PATH, (_req, res) => json(res, 200, { issuer: local.issuer, jwks_uri: `${local.issuer}${JWKS_PATH}` }));
    await unavailable(verifySessionToken(await local.mint(), options({ introspection: { clientKey: 'kpk_test' } })), 'endpoint_missing');
  });
});

describe('verifySessionToken: options', () => {
  it.each([
    ['an issuer with a trailing slash', { issuer: 'https://kparty.example/' }],
    ['an issuer with a query', { issuer: 'https://kparty.example?x=1' }],
    ['a relative issuer', { issuer: 'kparty.example' }],
    ['a plain-http issuer on the network', { issuer: 'http://kparty.example' }],
    ['no audience', { audience: [] }],
    ['a scope with a space', { scopes: ['orders read'] }],
    ['a scope with a quote', { scopes: ['orders"'] }],
    ['an unknown algorithm', { algorithms: ['HS256'] }],
    ['a client key with a newline', { introspection: { clientKey: 'kpk\r\nx: y' } }],
    ['a negative tolerance', { clockToleranceSeconds: -1 }],
  ])('throws a TypeError for %s', async (_label, bad) => {
    await expect(verifySessionToken('a.b.c', { ...options(), ...(bad as Partial<VerifySessionTokenOptions>) })).rejects.toThrow(TypeError);
  });

  it('accepts a plain-http issuer on the network when allowed explicitly', async () => {
    await unavailable(verifySessionToken('a.b.c', options({ issuer: 'http://127.0.0.1:1', allowHttp: true })), 'unreachable');
    await expect(verifySessionToken('a.b.c', options({ issuer: 'http://kparty.internal', allowHttp: true }))).rejects.toBeInstanceOf(IssuerUnavailableError);
  });
});

describe('verifySessionToken: client pinning (issue 11: audience + client)', () => {
  it('accepts a token issued to the pinned relying party, or to any of several', async () => {
    await expect(verifySessionToken(await local.mint(), options({ clientId: 'orders' }))).resolves.toMatchObject({ client_id: 'orders' });
    await expect(verifySessionToken(await local.mint(), options({ clientId: ['billing', 'orders'] }))).resolves.toMatchObject({ client_id: 'orders' });
  });

  it('refuses a token of the right audience issued to another relying party (a squatted audience)', async () => {
    await refused(
      verifySessionToken(await local.mint({ claims: { client_id: 'squatter' } }), options({ clientId: 'orders' })),
      'invalid_token',
      'client_mismatch',
    );
  });

  it('refuses an empty pin at configuration time', async () => {
    await expect(verifySessionToken('x.y.z', options({ clientId: [] }))).rejects.toThrow(TypeError);
    await expect(verifySessionToken('x.y.z', options({ clientId: '' }))).rejects.toThrow(TypeError);
  });
});
