/**
 * kparty/guard against a real kparty over loopback HTTP, with real session
 * tokens minted by verifying did-jwt-vc presentations. kparty's KPARTY_ISSUER
 * names a counting proxy in front of it, so every URL of its metadata leads
 * through the proxy and the test sees each JWKS fetch the guard makes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { IssuerDirectory } from '../../src/guard/issuer-directory.js';
import {
  IssuerUnavailableError,
  SessionTokenError,
  kpartyMiddleware,
  verifySessionToken,
  type KpartyRequest,
  type VerifySessionTokenOptions,
} from '../../src/guard/index.js';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.js';
import { startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { mintSessionToken, ORDERS_AUDIENCE, setUpSessions, type SessionSetup } from '../e2e/session-tokens.js';

const JWKS = '/.well-known/jwks.json';

let proxy: CountingProxy;
let kparty: RunningKparty;
let setup: SessionSetup;
let issuer: string;

const mint = (policy = 'employee-portal'): Promise<string> => mintSessionToken(kparty, setup, policy);

/** Guard options over a fresh cache (so each test counts its own fetches); no clock tolerance. */
const guardOptions = (extra: Partial<VerifySessionTokenOptions> = {}): VerifySessionTokenOptions => ({
  issuer,
  audience: ORDERS_AUDIENCE,
  clockToleranceSeconds: 0,
  directory: new IssuerDirectory(),
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<SessionTokenError> {
  const error = await promise.then(
    () => new Error('the token was accepted'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SessionTokenError);
  return error as SessionTokenError;
}

beforeAll(async () => {
  proxy = await startCountingProxy();
  issuer = proxy.url;
  kparty = await startKparty({ env: { KPARTY_ISSUER: issuer } });
  proxy.target = kparty.baseUrl;
  setup = await setUpSessions(kparty, [
    { id: 'employee-portal', ttlSeconds: 120, scope: 'orders:read orders:write' },
    { id: 'short-lived', ttlSeconds: 1, scope: 'orders:read' },
    { id: 'guest', ttlSeconds: 60 },
  ]);
});

afterAll(async () => {
  await kparty?.stop();
  await proxy?.close();
});

describe('kparty/guard against a running kparty', () => {
  it('accepts a real session token and returns its claims', async () => {
    const claims = await verifySessionToken(await mint(), guardOptions({ scopes: ['orders:read'] }));
    expect(claims).toMatchObject({
      iss: issuer,
      sub: setup.holder.did,
      aud: ORDERS_AUDIENCE,
      client_id: 'orders',
      scope: 'orders:read orders:write',
      policy: 'employee-portal',
      email: 'alice@example.com',
    });
  });

  it('refuses an expired token (policy ttlSeconds 1, no clock tolerance)', async () => {
    const token = await mint('short-lived');
    const { exp } = decodeJwt(token);
    expect(exp! - decodeJwt(token).iat!).toBe(1);
    await new Promise((ok) => setTimeout(ok, Math.max(0, exp! * 1000 - Date.now()) + 1100));
    const error = await refusal(verifySessionToken(token, guardOptions()));
    expect({ code: error.code, reason: error.reason, status: error.status }).toEqual({ code: 'invalid_token', reason: 'expired', status: 401 });
    expect(error.wwwAuthenticate).toBe('Bearer error="invalid_token", error_description="the token has expired"');
  });

  it('refuses a token for another audience', async () => {
    const error = await refusal(verifySessionToken(await mint(), guardOptions({ audience: 'https://billing.example.com' })));
    expect({ code: error.code, reason: error.reason }).toEqual({ code: 'invalid_token', reason: 'audience_mismatch' });
  });

  it('refuses a token of another issuer, though signed with a key this issuer publishes', async () => {
    // A second kparty on the same database shares the signing key but has another KPARTY_ISSUER.
    const other = await startKparty({ dataDir: kparty.dataDir, env: { KPARTY_ISSUER: 'https://other-kparty.example' } });
    try {
      const token = await mintSessionToken(other, setup, 'employee-portal');
      expect(decodeJwt(token).iss).toBe('https://other-kparty.example');
      const published = (await kparty.request('GET', JWKS)).body.keys.map((k: { kid: string }) => k.kid);
      expect(published).toContain(decodeProtectedHeader(token).kid);
      const error = await refusal(verifySessionToken(token, guardOptions()));
      expect({ code: error.code, reason: error.reason }).toEqual({ code: 'invalid_token', reason: 'issuer_mismatch' });
    } finally {
      await other.stop();
    }
  });

  it('refuses to use metadata that names another issuer than the configured one (RFC 8414 §3.3)', async () => {
    const error = await verifySessionToken(await mint(), guardOptions({ issuer: kparty.baseUrl })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IssuerUnavailableError);
    expect((error as IssuerUnavailableError).reason).toBe('issuer_mismatch');
  });

  it('answers insufficient_scope for a token without a required scope', async () => {
    const error = await refusal(verifySessionToken(await mint(), guardOptions({ scopes: ['orders:read', 'orders:admin'] })));
    expect({ code: error.code, reason: error.reason, status: error.status }).toEqual({ code: 'insufficient_scope', reason: 'scope_missing', status: 403 });
    expect(error.wwwAuthenticate).toBe(
      'Bearer error="insufficient_scope", error_description="the token lacks the scope orders:admin", scope="orders:read orders:admin"',
    );
  });

  it('refuses a revoked token in introspection mode (RFC 7009 then RFC 7662)', async () => {
    const token = await mint();
    const introspecting = guardOptions({ introspection: { clientKey: setup.rpKey } });
    await verifySessionToken(token, introspecting);
    const revoked = await kparty.request('POST', '/v1/sessions/revoke', {
      key: setup.rpKey,
      raw: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(revoked.status).toBe(200);
    const error = await refusal(verifySessionToken(token, introspecting));
    expect({ code: error.code, reason: error.reason }).toEqual({ code: 'invalid_token', reason: 'inactive' });
    // Without introspection a guard cannot know: the token itself is still well-signed and unexpired.
    await expect(verifySessionToken(token, guardOptions())).resolves.toMatchObject({ sub: setup.holder.did });
    expect(proxy.count('POST', '/v1/sessions/introspect')).toBe(2);
  });

  it("refuses a token signed by a key kparty does not publish, with its own kid or with kparty's", async () => {
    const real = decodeJwt(await mint());
    const { privateKey } = await generateKeyPair('ES256');
    const forge = (kid: string): Promise<string> => new SignJWT(real).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(privateKey);
    const unknown = await refusal(verifySessionToken(await forge('attacker-key'), guardOptions()));
    expect(unknown.reason).toBe('unknown_key');
    const kid = (await kparty.request('GET', JWKS)).body.keys[0].kid as string;
    const impostor = await refusal(verifySessionToken(await forge(kid), guardOptions()));
    expect(impostor.reason).toBe('signature_invalid');
  });

  it('refuses alg "none" and a tampered payload', async () => {
    const token = await mint();
    const [header, , signature] = token.split('.') as [string, string, string];
    const claims = { ...decodeJwt(token), scope: 'orders:read orders:write orders:admin' };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const none = Buffer.from(JSON.stringify({ ...decodeProtectedHeader(token), alg: 'none' })).toString('base64url');
    expect((await refusal(verifySessionToken(`${none}.${payload}.`, guardOptions()))).reason).toBe('alg_forbidden');
    expect((await refusal(verifySessionToken(`${header}.${payload}.${signature}`, guardOptions()))).reason).toBe('signature_invalid');
  });

  it('after an immediate key rotation, refetches the JWKS exactly once for the new kid and still accepts old tokens', async () => {
    const directory = new IssuerDirectory({ jwksCooldownMs: 1000 });
    const before = await mint();
    await verifySessionToken(before, guardOptions({ directory }));
    const fetchesBefore = proxy.count('GET', JWKS);

    const rotated = await kparty.request('POST', '/v1/admin/keys/rotate?immediate=true', { key: TEST_ADMIN_KEY });
    expect(rotated.status).toBeLessThan(300);
    const after = await mint();
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);

    // The guard's JWKS copy lacks the new kid; past the cooldown, an unknown kid causes one refetch.
    await new Promise((ok) => setTimeout(ok, 1100));
    await expect(verifySessionToken(after, guardOptions({ directory }))).resolves.toMatchObject({ sub: setup.holder.did });
    await verifySessionToken(after, guardOptions({ directory }));
    await verifySessionToken(before, guardOptions({ directory }));
    expect(proxy.count('GET', JWKS) - fetchesBefore).toBe(1);
  });
});

describe('kpartyMiddleware in front of a node:http API, against a running kparty', () => {
  let api: Server;
  let base: string;

  beforeAll(async () => {
    const guard = kpartyMiddleware({ ...guardOptions({ introspection: { clientKey: setup.rpKey } }), scopes: ['orders:read'] });
    api = createServer((req, res) =>
      guard(req, res, (error?: unknown) => {
        res.writeHead(error ? 500 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(error ? { error: 'internal' } : { orders: [], for: (req as KpartyRequest).kparty.sub }));
      }),
    );
    await new Promise<void>((ok) => api.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    api.closeAllConnections();
    await new Promise((ok) => api.close(ok));
  });

  it('serves a logged-in holder, then refuses the same token once revoked', async () => {
    const token = await mint();
    const ok = await fetch(`${base}/orders`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ orders: [], for: setup.holder.did });

    const revoked = await kparty.request('POST', '/v1/sessions/revoke', { key: setup.rpKey, body: { token } });
    expect(revoked.status).toBe(200);
    const refused = await fetch(`${base}/orders`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="the token has been revoked or is no longer active"');
    expect(await refused.json()).toEqual({ error: 'invalid_token', error_description: 'the token has been revoked or is no longer active' });
  });

  it('answers 401 without a token and 403 for a token lacking the scope', async () => {
    const none = await fetch(`${base}/orders`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const guest = await fetch(`${base}/orders`, { headers: { authorization: `Bearer ${await mint('guest')}` } });
    expect(guest.status).toBe(403);
    expect(guest.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", error_description="the token lacks the scope orders:read", scope="orders:read"',
    );
  });
});
