/**
 * Session lifecycle over real HTTP against the built service: RFC 7662
 * introspection, RFC 7009 revocation (form-encoded as the RFCs say, and JSON),
 * forward-auth without a gateway, and revocations seen at once by a second
 * kparty process on the same SQLite file. Tokens are minted by did-jwt-vc
 * wallets through the real verification.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { expectProblem } from '../e2e/problem.js';
import { mintSessionToken, ORDERS_AUDIENCE, setUpSessions, type SessionSetup } from '../e2e/session-tokens.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** One KPARTY_ISSUER for both processes, as replicas behind one name have. */
const ISSUER = 'https://kparty.example';

/** A form body, each value once, or repeated when given as a list. */
const form = (params: Record<string, string | string[]>): string => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const item of [value].flat()) body.append(name, item);
  return body.toString();
};

/** Asserts an RFC 6749 §5.2 error: OAuth members for OAuth libraries, kparty's problem members beside them. */
function expectOAuthError(reply: Reply, status: number, error: string, code: string): void {
  expect({ status: reply.status, error: reply.body?.error, code: reply.body?.code }).toEqual({ status, error, code });
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.headers.get('cache-control')).toBe('no-store');
  expect(reply.body).toMatchObject({ error_description: expect.stringMatching(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/), type: `urn:kparty:problem:${code}`, status });
  expect(reply.text).not.toMatch(/\bat .+\.(js|ts):\d+|node_modules|FST_ERR|TypeError/);
}

let kparty: RunningKparty;
let setup: SessionSetup;
let otherRpKey: string;

const mint = (policy = 'employee-portal'): Promise<string> => mintSessionToken(kparty, setup, policy);
const introspect = (token: string, key = setup.rpKey, on = kparty): Promise<Reply> =>
  on.request('POST', '/v1/sessions/introspect', { key, raw: form({ token, token_type_hint: 'access_token' }), headers: FORM });
const revoke = (token: string, key = setup.rpKey, on = kparty): Promise<Reply> =>
  on.request('POST', '/v1/sessions/revoke', { key, raw: form({ token }), headers: FORM });
const check = (token: string | undefined, query = '', on = kparty): Promise<Reply> =>
  on.request('GET', `/v1/auth/check${query}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  kparty = await startKparty({ env: { KPARTY_ISSUER: ISSUER } });
  setup = await setUpSessions(kparty, [
    { id: 'employee-portal', ttlSeconds: 120, scope: 'orders:read orders:write' },
    { id: 'guest', ttlSeconds: 60 },
  ]);
  const other = await kparty.request('POST', '/v1/admin/relying-parties', {
    key: TEST_ADMIN_KEY,
    body: { id: 'billing', name: 'Billing', audiences: ['https://billing.example.com'] },
  });
  otherRpKey = other.body.apiKey;
});

afterAll(async () => {
  await kparty?.stop();
});

describe('POST /v1/sessions/introspect (RFC 7662)', () => {
  it("answers the relying party's own token with its claims, form-encoded, never cached", async () => {
    const token = await mint();
    const reply = await introspect(token);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const { body } = reply;
    expect(body).toEqual({
      active: true,
      scope: 'orders:read orders:write',
      client_id: 'orders',
      sub: setup.holder.did,
      aud: ORDERS_AUDIENCE,
      iss: ISSUER,
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String),
      token_type: 'Bearer',
      policy: 'employee-portal',
      email: 'alice@example.com',
    });
    expect(body.exp - body.iat).toBe(120);
  });

  it('takes a JSON body too, and the operator key introspects any token', async () => {
    const token = await mint();
    const reply = await kparty.request('POST', '/v1/sessions/introspect', { key: TEST_ADMIN_KEY, body: { token } });
    expect(reply.body).toMatchObject({ active: true, client_id: 'orders' });
  });

  it("answers another relying party's token, a garbage token and a tampered one as { active: false } only", async () => {
    const token = await mint();
    for (const [candidate, key] of [
      [token, otherRpKey],
      ['not-a-token', setup.rpKey],
      [`${token.slice(0, -4)}AAAA`, setup.rpKey],
    ] as const) {
      const reply = await introspect(candidate, key);
      expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: { active: false } });
    }
  });

  it('refuses a caller without a valid key as invalid_client (401)', async () => {
    const token = await mint();
    const anonymous = await kparty.request('POST', '/v1/sessions/introspect', { raw: form({ token }), headers: FORM });
    expectOAuthError(anonymous, 401, 'invalid_client', 'auth.unauthorized');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="kparty"');
    expectOAuthError(await introspect(token, 'kpk_not-a-key'), 401, 'invalid_client', 'auth.unauthorized');
  });

  it.each([
    ['no token', form({ token_type_hint: 'access_token' }), FORM],
    ['an empty token', form({ token: '' }), FORM],
    ['the token twice (RFC 6749 §3.2)', form({ token: ['a', 'b'] }), FORM],
    ['a __proto__ parameter', '__proto__=x&token=a', FORM],
    ['a JSON body that is not an object', '["token"]', { 'content-type': 'application/json' }],
    ['malformed JSON', '{"token":', { 'content-type': 'application/json' }],
  ])('refuses %s as invalid_request (400)', async (_, raw, headers) => {
    expectOAuthError(await kparty.request('POST', '/v1/sessions/introspect', { key: setup.rpKey, raw, headers }), 400, 'invalid_request', 'request.invalid');
  });

  it('ignores unknown parameters (RFC 6749 §3.2)', async () => {
    const token = await mint();
    const reply = await kparty.request('POST', '/v1/sessions/introspect', { key: setup.rpKey, raw: form({ token, resource: 'x', extra: '1' }), headers: FORM });
    expect(reply.body).toMatchObject({ active: true });
  });

  it('refuses other media types as 415, and bodies over 1 MiB as 413, in the OAuth shape', async () => {
    const text = await kparty.request('POST', '/v1/sessions/introspect', { key: setup.rpKey, raw: 'token=a', headers: { 'content-type': 'text/plain' } });
    expectOAuthError(text, 415, 'invalid_request', 'request.unsupported_media_type');
    const huge = await kparty.request('POST', '/v1/sessions/introspect', { key: setup.rpKey, raw: form({ token: 'a'.repeat(1_048_577) }), headers: FORM });
    expectOAuthError(huge, 413, 'invalid_request', 'request.too_large');
  });

  it('still refuses form bodies on the JSON endpoints', async () => {
    expectProblem(await kparty.request('POST', '/v1/challenges', { raw: 'policy=guest', headers: FORM }), 415, 'request.unsupported_media_type');
  });
});

describe('POST /v1/sessions/revoke (RFC 7009)', () => {
  it('revokes: 200 with an empty body, then the token is inactive and refused by forward-auth', async () => {
    const token = await mint();
    expect((await check(token)).status).toBe(200);
    const reply = await revoke(token);
    expect({ status: reply.status, text: reply.text }).toEqual({ status: 200, text: '' });
    expect((await introspect(token)).body).toEqual({ active: false });
    expect((await check(token)).status).toBe(401);
    // Idempotent.
    expect((await revoke(token)).status).toBe(200);
  });

  it("answers 200 for another relying party's token but leaves it alone; the operator may revoke it", async () => {
    const token = await mint();
    expect((await revoke(token, otherRpKey)).status).toBe(200);
    expect((await introspect(token)).body).toMatchObject({ active: true });
    expect((await revoke(token, TEST_ADMIN_KEY)).status).toBe(200);
    expect((await introspect(token)).body).toEqual({ active: false });
  });

  it('answers 200 for a token that is not a session token at all, and takes JSON too', async () => {
    expect((await revoke('not-a-token')).status).toBe(200);
    const token = await mint();
    expect((await kparty.request('POST', '/v1/sessions/revoke', { key: setup.rpKey, body: { token, token_type_hint: 'refresh_token' } })).status).toBe(200);
    expect((await introspect(token)).body).toEqual({ active: false });
  });

  it('refuses a caller without a key (401 invalid_client) and a request without token (400 invalid_request)', async () => {
    expectOAuthError(
      await kparty.request('POST', '/v1/sessions/revoke', { raw: form({ token: 'a' }), headers: FORM }),
      401,
      'invalid_client',
      'auth.unauthorized',
    );
    expectOAuthError(
      await kparty.request('POST', '/v1/sessions/revoke', { key: setup.rpKey, raw: '', headers: FORM }),
      400,
      'invalid_request',
      'request.invalid',
    );
  });
});

describe('GET /v1/auth/check (forward-auth, no gateway)', () => {
  it('answers a valid token with the identity headers and an empty body; HEAD too', async () => {
    const token = await mint();
    for (const method of ['GET', 'HEAD']) {
      const reply = await kparty.request(method, '/v1/auth/check?scope=orders:read', { headers: { authorization: `bearer ${token}` } });
      expect(reply.status).toBe(200);
      expect(reply.text).toBe('');
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(Object.fromEntries(['x-kparty-subject', 'x-kparty-scope', 'x-kparty-policy', 'x-kparty-client'].map((h) => [h, reply.headers.get(h)]))).toEqual({
        'x-kparty-subject': setup.holder.did,
        'x-kparty-scope': 'orders:read orders:write',
        'x-kparty-policy': 'employee-portal',
        'x-kparty-client': 'orders',
      });
    }
  });

  it('answers no token with 401 session.missing and a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    for (const headers of [{}, { authorization: 'Basic b3JkZXJzOnNlY3JldA==' }] as Array<Record<string, string>>) {
      const reply = await kparty.request('GET', '/v1/auth/check', { headers });
      expectProblem(reply, 401, 'session.missing');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="kparty"');
    }
  });

  it('answers an invalid token and a token for another audience with 401 invalid_token', async () => {
    const token = await mint();
    for (const [candidate, query] of [
      ['garbage', ''],
      [`${token}x`, ''],
      ['', ''],
      [token, '?audience=https%3A%2F%2Fother.example.com'],
    ] as const) {
      const reply = await check(candidate, query);
      expectProblem(reply, 401, 'session.invalid');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="kparty", error="invalid_token"');
    }
    expect((await check(token, `?audience=${encodeURIComponent(ORDERS_AUDIENCE)}`)).status).toBe(200);
  });

  it('answers a valid token without a required scope with 403 insufficient_scope', async () => {
    const token = await mint('guest');
    const reply = await check(token, '?scope=orders:read');
    expectProblem(reply, 403, 'session.insufficient_scope');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="kparty", error="insufficient_scope"');
    expect((await check(token)).headers.get('x-kparty-scope')).toBe('');
    expectProblem(await check(await mint(), '?scope=orders:read%20orders:admin'), 403, 'session.insufficient_scope');
  });

  it('refuses unknown, repeated and malformed query parameters with 400, so a typo cannot open the gate', async () => {
    const token = await mint();
    for (const query of ['?scopes=orders:admin', '?scope=a&scope=b', '?scope=a%20%20b', '?scope=', '?scope=%22quoted%22']) {
      const reply = await check(token, query);
      expectProblem(reply, 400, 'request.invalid');
      expect(reply.body.errors.length).toBeGreaterThan(0);
    }
  });

  it('ignores the Content-Type and Content-Length of the original request a gateway may pass on', async () => {
    const token = await mint();
    const reply = await kparty.request('GET', '/v1/auth/check', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(reply.status).toBe(200);
  });
});

describe('ALL /v1/auth/check/envoy/* (Envoy ext_authz HTTP service)', () => {
  const envoy = (path: string, headers: Record<string, string>, method = 'POST') => kparty.request(method, `/v1/auth/check/envoy${path}`, { headers });

  it('ignores the original method, path and query, and takes requirements from headers', async () => {
    const token = await mint();
    for (const [method, path] of [
      ['POST', '/orders?page=2'],
      ['DELETE', '/orders/7'],
      ['GET', ''],
      ['PUT', '/'],
    ] as const) {
      const reply = await envoy(path, { authorization: `Bearer ${token}`, 'x-kparty-required-scope': 'orders:read', 'content-length': '0' }, method);
      expect({ method, status: reply.status, subject: reply.headers.get('x-kparty-subject') }).toEqual({ method, status: 200, subject: setup.holder.did });
    }
  });

  it('answers 401 without or with a bad token, 403 for a missing scope, 401 for another audience, 400 for a malformed requirement', async () => {
    const token = await mint();
    expectProblem(await envoy('/orders', {}), 401, 'session.missing');
    expectProblem(await envoy('/orders', { authorization: 'Bearer garbage' }), 401, 'session.invalid');
    expectProblem(await envoy('/orders', { authorization: `Bearer ${token}`, 'x-kparty-required-scope': 'orders:admin' }), 403, 'session.insufficient_scope');
    expectProblem(
      await envoy('/orders', { authorization: `Bearer ${token}`, 'x-kparty-required-audience': 'https://other.example.com' }),
      401,
      'session.invalid',
    );
    expectProblem(await envoy('/orders', { authorization: `Bearer ${token}`, 'x-kparty-required-scope': 'a  b' }), 400, 'request.invalid');
  });
});

describe('RFC 8414 metadata', () => {
  it('names the token, introspection and revocation endpoints and how to authenticate to them', async () => {
    const { body } = await kparty.request('GET', '/.well-known/oauth-authorization-server');
    expect(body).toMatchObject({
      token_endpoint: `${body.issuer}/v1/token`,
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:token-exchange', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'EdDSA'],
      introspection_endpoint: `${body.issuer}/v1/sessions/introspect`,
      introspection_endpoint_auth_methods_supported: ['Bearer'],
      revocation_endpoint: `${body.issuer}/v1/sessions/revoke`,
      revocation_endpoint_auth_methods_supported: ['Bearer'],
    });
  });
});

describe('two kparty processes on one SQLite file', () => {
  let second: RunningKparty;
  beforeAll(async () => {
    second = await startKparty({ dataDir: kparty.dataDir, env: { KPARTY_ISSUER: ISSUER } });
  });
  afterAll(async () => {
    await second?.stop();
  });

  it('a revocation made through one is seen by the other at once', async () => {
    const token = await mint();
    expect((await introspect(token, setup.rpKey, second)).body).toMatchObject({ active: true });
    expect((await revoke(token)).status).toBe(200);
    expect((await introspect(token, setup.rpKey, second)).body).toEqual({ active: false });
    expect((await check(token, '', second)).status).toBe(401);
  });

  it('an immediate key rotation made through one: the other verifies the new tokens at once and signs with the new key after reloading', async () => {
    const before = await mint();
    const rotated = await kparty.request('POST', '/v1/admin/keys/rotate?immediate=true', { key: TEST_ADMIN_KEY });
    expect(rotated.status).toBe(201);
    const after = await mint();
    expect(JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString()).kid).toBe(rotated.body.kid);
    // The second process has not reloaded yet: a token naming an unknown kid makes it reload.
    expect((await check(after, '', second)).status).toBe(200);
    expect((await introspect(before, setup.rpKey, second)).body).toMatchObject({ active: true });
    const jwks = await second.request('GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(rotated.body.kid);
  });
});
