/**
 * Refresh tokens and DPoP against the built service (docs/sessions.md):
 * openid-client 6 as a confidential client refreshing against kparty's RFC
 * 8414 metadata, DPoP proofs made with jose independently of kparty's code,
 * status lists flipped on a loopback status host, and two kparty processes on
 * one database racing to rotate one refresh token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oauth from 'openid-client';
import { createHash, randomUUID } from 'node:crypto';
import { BitstringStatusListBuilder, bitstringStatusEntry, issueW3cStatusListCredential } from '../../src/status/issuing/index.js';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity } from '../support/identities.js';
import { StatusListHost, signerOf } from '../support/status-lists.js';
import { startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';

const issuer = ed25519Identity();
const holder = ed25519Identity();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const REFRESH = { ttlSeconds: 600, absoluteTtlSeconds: 3600 };

function policy(id: string, session: Record<string, unknown>, status: 'required' | 'ignore' = 'ignore'): Record<string, unknown> {
  return {
    id,
    audience: 'https://orders.example.com',
    credentials: [
      {
        id: 'employee',
        format: 'jwt_vc_json',
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'email'] }],
        trustedIssuers: [issuer.did],
        status,
      },
    ],
    holderBinding: 'required',
    session: { ttlSeconds: 120, scope: 'orders:read orders:write', claims: { email: ['employee', 'credentialSubject', 'email'] }, ...session },
  };
}

/** A DPoP key pair and proofs made with jose alone (RFC 9449 §4.2). */
class DpopKey {
  private constructor(
    readonly privateKey: CryptoKey,
    readonly jwk: JWK,
    readonly jkt: string,
  ) {}

  static async create(): Promise<DpopKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    return new DpopKey(privateKey, jwk, await calculateJwkThumbprint(jwk, 'sha256'));
  }

  proof(htm: string, htu: string, extra: { ath?: string; jti?: string; iat?: number; nonce?: string } = {}): Promise<string> {
    return new SignJWT({ htm, htu, jti: extra.jti ?? randomUUID(), ...(extra.ath ? { ath: extra.ath } : {}), ...(extra.nonce ? { nonce: extra.nonce } : {}) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: this.jwk })
      .setIssuedAt(extra.iat ?? Math.floor(Date.now() / 1000))
      .sign(this.privateKey);
  }
}

const ath = (token: string): string => createHash('sha256').update(token).digest('base64url');

describe('refresh tokens and DPoP (built service)', () => {
  let host: StatusListHost;
  let kparty: RunningKparty;
  let issuerUrl: string;
  let ordersKey: string;
  let billingKey: string;
  let listIndex = 0;

  const env = (): Record<string, string> => ({
    KPARTY_OUTBOUND_ALLOW: host.hostPort,
    KPARTY_STATUS_CACHE_MIN_TTL: '1',
    KPARTY_RATE_LIMIT: '0',
    KPARTY_REFRESH_REUSE_GRACE: '2',
    KPARTY_CLOCK_SKEW: '1',
    KPARTY_TRUST_PROXY: '127.0.0.1',
  });

  /** Publishes a status list with the given bits set; returns its URL. */
  const publishList = async (path: string, set: number[]): Promise<string> => {
    const list = new BitstringStatusListBuilder();
    for (const index of set) list.set(index, true);
    const url = host.url(path);
    // ttl 1 s (with KPARTY_STATUS_CACHE_MIN_TTL=1): a flipped bit is seen by the next refresh a second later.
    const jwt = await issueW3cStatusListCredential({
      url,
      list,
      purpose: 'revocation',
      signer: await signerOf(issuer),
      validFrom: new Date(Date.now() - 60_000),
      ttlMs: 1000,
    });
    host.publish(path, jwt, 'application/vc+jwt');
    return url;
  };

  /** Signs in to `policyId` with a fresh challenge; headers add client authentication or a DPoP proof. */
  const signIn = async (policyId: string, headers: Record<string, string> = {}, vc: { exp?: number; credentialStatus?: unknown } = {}): Promise<Reply> => {
    const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy: policyId } });
    expect(challenge.status).toBe(201);
    const credential = await issueJwtVc(issuer, holder.did, { claims: { role: 'staff', email: 'alice@example.com' }, ...vc });
    const presentation = await presentJwtVp(holder, [credential], { nonce: challenge.body.challenge, aud: challenge.body.domain });
    return kparty.request('POST', '/v1/presentations/verify', { body: { policy: policyId, presentation }, headers });
  };

  const refresh = (refreshToken: string, headers: Record<string, string> = {}, target: RunningKparty = kparty): Promise<Reply> =>
    target.request('POST', '/v1/token', {
      raw: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
      headers: { ...FORM, ...headers },
    });

  const basic = (id: string, secret: string): Record<string, string> => ({
    authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
  });

  const expectInvalidGrant = (reply: Reply, code?: string): void => {
    expect({ status: reply.status, error: reply.body?.error }).toEqual({ status: 400, error: 'invalid_grant' });
    if (code !== undefined) expect(reply.body.errors.map((e: { code: string }) => e.code)).toContain(code);
  };

  const introspect = (token: string): Promise<Reply> =>
    kparty.request('POST', '/v1/sessions/introspect', { key: ordersKey, raw: new URLSearchParams({ token }).toString(), headers: FORM });

  /** openid-client against kparty's RFC 8414 metadata, as the relying party `orders` (client_secret_basic). */
  const openidClient = async (): Promise<oauth.Configuration> => {
    // kparty's issuer is http://localhost:<port>; reach it on 127.0.0.1 whatever localhost resolves to.
    const loopbackFetch: oauth.CustomFetch = (url, options) => fetch(url.replace('//localhost:', '//127.0.0.1:'), options as RequestInit);
    const configuration = await oauth.discovery(new URL(issuerUrl), 'orders', ordersKey, oauth.ClientSecretBasic(ordersKey), {
      algorithm: 'oauth2',
      execute: [oauth.allowInsecureRequests],
      [oauth.customFetch]: loopbackFetch,
    });
    configuration[oauth.customFetch] = loopbackFetch;
    return configuration;
  };

  beforeAll(async () => {
    host = await new StatusListHost().start();
    kparty = await startKparty({ env: env() });
    issuerUrl = `http://localhost:${new URL(kparty.baseUrl).port}`;
    for (const [id, name] of [
      ['orders', 'Orders'],
      ['billing', 'Billing'],
    ]) {
      const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
        key: TEST_ADMIN_KEY,
        body: { id, name, audiences: [`https://${id}.example.com`] },
      });
      expect(rp.status).toBe(201);
      if (id === 'orders') ordersKey = rp.body.apiKey;
      else billingKey = rp.body.apiKey;
    }
    const policies = [
      policy('refresh-status', { refresh: { ...REFRESH, recheck: 'status' } }, 'required'),
      policy('refresh-plain', { refresh: { ...REFRESH, recheck: 'none' } }),
      policy('refresh-dpop', { refresh: { ...REFRESH, recheck: 'none' }, dpop: 'required' }),
      policy('no-refresh', {}),
    ];
    for (const p of policies) expect((await kparty.request('PUT', `/v1/admin/policies/${p.id}`, { key: ordersKey, body: p })).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await kparty?.stop();
    await host?.stop();
  });

  /** A credentialStatus entry on a fresh list with nothing revoked; returns the entry and a function revoking it. */
  const freshStatus = async (): Promise<{ entry: unknown; revoke: () => Promise<void> }> => {
    listIndex += 1;
    const path = `/lists/${listIndex}`;
    const url = await publishList(path, []);
    return { entry: bitstringStatusEntry({ url, index: 42, purpose: 'revocation' }), revoke: async () => void (await publishList(path, [42])) };
  };

  it('advertises the refresh grant, client authentication methods and DPoP algorithms (RFC 8414, RFC 9449 §5.1)', async () => {
    const metadata = await kparty.request('GET', '/.well-known/oauth-authorization-server');
    expect(metadata.body).toMatchObject({
      grant_types_supported: expect.arrayContaining(['refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange']),
      token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'none']),
      dpop_signing_alg_values_supported: expect.arrayContaining(['ES256', 'EdDSA']),
    });
  });

  it('openid-client refreshes as a confidential client, gets a rotated token each time, and reuse ends the session', async () => {
    const signedIn = await signIn('refresh-plain', { authorization: `Bearer ${ordersKey}` });
    expect(signedIn.status).toBe(200);
    const first = signedIn.body.session.refreshToken as string;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const config = await openidClient();
    const one = await oauth.refreshTokenGrant(config, first);
    expect(one.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(one.refresh_token).not.toBe(first);
    expect(decodeJwt(one.access_token)).toMatchObject({ sub: holder.did, client_id: 'orders', email: 'alice@example.com', scope: 'orders:read orders:write' });
    const two = await oauth.refreshTokenGrant(config, one.refresh_token as string);
    expect((await introspect(two.access_token)).body.active).toBe(true);
    // The first token, long rotated (grace 2 s): reuse. openid-client reports invalid_grant; the family is ended.
    await new Promise((ok) => setTimeout(ok, 2200));
    await expect(oauth.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oauth.refreshTokenGrant(config, two.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The family's live access token is denied too.
    expect((await introspect(two.access_token)).body).toEqual({ active: false });
    const audit = await kparty.request('GET', '/v1/admin/audit?limit=5', { key: ordersKey });
    expect(
      audit.body.events.some((e: { format?: string; codes: string[] }) => e.format === 'refresh_token' && e.codes.includes('session.refresh_reused')),
    ).toBe(true);
  }, 30_000);

  it('a rotated token presented again within the grace is refused harmlessly; the new one still works', async () => {
    const signedIn = await signIn('refresh-plain', basic('orders', ordersKey));
    const first = signedIn.body.session.refreshToken as string;
    const rotated = await refresh(first, basic('orders', ordersKey));
    expect(rotated.status).toBe(200);
    expect(rotated.body.token_type).toBe('Bearer');
    expectInvalidGrant(await refresh(first, basic('orders', ordersKey)), 'session.refresh_reused');
    expect((await refresh(rotated.body.refresh_token, basic('orders', ordersKey))).status).toBe(200);
  });

  it("refuses another relying party's key (invalid_grant), no client authentication (invalid_client) and a wrong secret", async () => {
    const signedIn = await signIn('refresh-plain', { authorization: `Bearer ${ordersKey}` });
    const token = signedIn.body.session.refreshToken as string;
    expectInvalidGrant(await refresh(token, { authorization: `Bearer ${billingKey}` }), 'session.client_mismatch');
    const anonymous = await refresh(token);
    expect({ status: anonymous.status, error: anonymous.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    const wrongSecret = await refresh(token, basic('orders', billingKey));
    expect({ status: wrongSecret.status, error: wrongSecret.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    // None of these harmed the session.
    expect((await refresh(token, { authorization: `Bearer ${ordersKey}` })).status).toBe(200);
  });

  it('a public client without DPoP gets no refresh token (RFC 9700 §4.14.2); a policy without refresh gives none', async () => {
    const publicClient = await signIn('refresh-plain');
    expect(publicClient.status).toBe(200);
    expect(publicClient.body.session.refreshToken).toBeUndefined();
    const noRefresh = await signIn('no-refresh', { authorization: `Bearer ${ordersKey}` });
    expect(noRefresh.body.session.refreshToken).toBeUndefined();
    const foreign = await signIn('refresh-plain', { authorization: `Bearer ${billingKey}` });
    expect({ status: foreign.status, code: foreign.body.code }).toEqual({ status: 403, code: 'auth.forbidden' });
  });

  it('re-checks the status list on refresh: a revoked credential ends the session (invalid_grant, audited with credential.revoked)', async () => {
    const status = await freshStatus();
    const signedIn = await signIn('refresh-status', { authorization: `Bearer ${ordersKey}` }, { credentialStatus: status.entry });
    expect(signedIn.status).toBe(200);
    const still = await refresh(signedIn.body.session.refreshToken, { authorization: `Bearer ${ordersKey}` });
    expect(still.status).toBe(200);
    await status.revoke();
    await new Promise((ok) => setTimeout(ok, 1200)); // KPARTY_STATUS_CACHE_MIN_TTL=1
    const refused = await refresh(still.body.refresh_token, { authorization: `Bearer ${ordersKey}` });
    expectInvalidGrant(refused, 'credential.revoked');
    expect((await introspect(still.body.access_token)).body).toEqual({ active: false });
    const audit = await kparty.request('GET', '/v1/admin/audit?limit=5', { key: ordersKey });
    expect(audit.body.events.some((e: { format?: string; codes: string[] }) => e.format === 'refresh_token' && e.codes.includes('credential.revoked'))).toBe(
      true,
    );
  }, 20_000);

  it('fails closed when the status host is down under status: required', async () => {
    const status = await freshStatus();
    const signedIn = await signIn('refresh-status', { authorization: `Bearer ${ordersKey}` }, { credentialStatus: status.entry });
    await host.stop();
    try {
      await new Promise((ok) => setTimeout(ok, 1200));
      expectInvalidGrant(await refresh(signedIn.body.session.refreshToken, { authorization: `Bearer ${ordersKey}` }), 'credential.status_unavailable');
    } finally {
      await host.start();
    }
  }, 20_000);

  it('ends the session once a credential it rests on has expired', async () => {
    const signedIn = await signIn('refresh-plain', { authorization: `Bearer ${ordersKey}` }, { exp: Math.floor(Date.now() / 1000) + 2 });
    expect(signedIn.status).toBe(200);
    await new Promise((ok) => setTimeout(ok, 3500));
    expectInvalidGrant(await refresh(signedIn.body.session.refreshToken, { authorization: `Bearer ${ordersKey}` }), 'credential.expired');
  }, 20_000);

  describe('DPoP (proofs made with jose)', () => {
    const tokenUrl = (): string => `${issuerUrl}/v1/token`;
    const verifyUrl = (): string => `${issuerUrl}/v1/presentations/verify`;

    it("binds a public client's session to its key: cnf.jkt, token type DPoP, refresh needs a proof by the same key", async () => {
      const key = await DpopKey.create();
      const signedIn = await signIn('refresh-dpop', { dpop: await key.proof('POST', verifyUrl()) });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.session.tokenType).toBe('DPoP');
      expect(decodeJwt(signedIn.body.session.token).cnf).toEqual({ jkt: key.jkt });
      const introspected = await introspect(signedIn.body.session.token);
      expect(introspected.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });
      const refreshed = await refresh(signedIn.body.session.refreshToken, { dpop: await key.proof('POST', tokenUrl()) });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.token_type).toBe('DPoP');
      expect(decodeJwt(refreshed.body.access_token).cnf).toEqual({ jkt: key.jkt });
      const other = await DpopKey.create();
      expectInvalidGrant(await refresh(refreshed.body.refresh_token, { dpop: await other.proof('POST', tokenUrl()) }), 'session.dpop_mismatch');
      const noProof = await refresh(refreshed.body.refresh_token);
      expect({ status: noProof.status, error: noProof.body.error }).toEqual({ status: 400, error: 'invalid_dpop_proof' });
      expect((await refresh(refreshed.body.refresh_token, { dpop: await key.proof('POST', tokenUrl()) })).status).toBe(200);
    });

    it('refuses proofs for another URL or method, replayed jtis, stale iat, and sign-in without a proof where required', async () => {
      const key = await DpopKey.create();
      const signedIn = await signIn('refresh-dpop', { dpop: await key.proof('POST', verifyUrl()) });
      const token = signedIn.body.session.refreshToken as string;
      const invalidProof = async (proof: string): Promise<void> => {
        const reply = await refresh(token, { dpop: proof });
        expect({ status: reply.status, error: reply.body.error, code: reply.body.code }).toEqual({
          status: 400,
          error: 'invalid_dpop_proof',
          code: 'oauth.invalid_dpop_proof',
        });
      };
      await invalidProof(await key.proof('POST', `${issuerUrl}/v1/other`));
      await invalidProof(await key.proof('GET', tokenUrl()));
      await invalidProof(await key.proof('POST', tokenUrl(), { iat: Math.floor(Date.now() / 1000) - 3600 }));
      await invalidProof('not-a-jwt');
      const jti = randomUUID();
      expect((await refresh(token, { dpop: await key.proof('POST', tokenUrl(), { jti }) })).status).toBe(200);
      await invalidProof(await key.proof('POST', tokenUrl(), { jti }));
      const without = await signIn('refresh-dpop');
      expect({ status: without.status, code: without.body.code }).toEqual({ status: 400, code: 'oauth.invalid_dpop_proof' });
    });

    it('a public client ends its own DPoP-bound session at RFC 7009 revocation with a proof by its key', async () => {
      const key = await DpopKey.create();
      const signedIn = await signIn('refresh-dpop', { dpop: await key.proof('POST', verifyUrl()) });
      const { refreshToken, token } = signedIn.body.session as { refreshToken: string; token: string };
      const revoke = async (dpopKey: DpopKey): Promise<Reply> =>
        kparty.request('POST', '/v1/sessions/revoke', {
          raw: new URLSearchParams({ token: refreshToken }).toString(),
          headers: { ...FORM, dpop: await dpopKey.proof('POST', `${issuerUrl}/v1/sessions/revoke`) },
        });
      expect((await revoke(await DpopKey.create())).status).toBe(200);
      expect((await introspect(refreshToken)).body.active).toBe(true);
      const noAuth = await kparty.request('POST', '/v1/sessions/revoke', { raw: new URLSearchParams({ token: refreshToken }).toString(), headers: FORM });
      expect({ status: noAuth.status, error: noAuth.body.error }).toEqual({ status: 401, error: 'invalid_client' });
      expect((await revoke(key)).status).toBe(200);
      expect((await introspect(refreshToken)).body).toEqual({ active: false });
      expect((await introspect(token)).body).toEqual({ active: false });
    });

    it('forward-auth checks the proof against the request rebuilt from X-Forwarded-* (trusted proxy) and the Envoy route', async () => {
      const key = await DpopKey.create();
      const signedIn = await signIn('refresh-dpop', { dpop: await key.proof('POST', verifyUrl()) });
      const accessToken = signedIn.body.session.token as string;
      const forwarded = {
        'x-forwarded-method': 'GET',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'api.example.com',
        'x-forwarded-uri': '/orders/7?x=1',
      };
      const check = (headers: Record<string, string>) => kparty.request('GET', '/v1/auth/check', { headers });
      const ok = await check({
        authorization: `DPoP ${accessToken}`,
        dpop: await key.proof('GET', 'https://api.example.com/orders/7', { ath: ath(accessToken) }),
        ...forwarded,
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-kparty-subject')).toBe(holder.did);
      const refusals: Array<Record<string, string>> = [
        { authorization: `Bearer ${accessToken}`, ...forwarded },
        { authorization: `DPoP ${accessToken}`, ...forwarded },
        { authorization: `DPoP ${accessToken}`, dpop: await key.proof('GET', 'https://api.example.com/orders/7', { ath: ath('another token') }), ...forwarded },
        { authorization: `DPoP ${accessToken}`, dpop: await key.proof('POST', 'https://api.example.com/orders/7', { ath: ath(accessToken) }), ...forwarded },
        { authorization: `DPoP ${accessToken}`, dpop: await key.proof('GET', 'https://api.example.com/admin', { ath: ath(accessToken) }), ...forwarded },
        {
          authorization: `DPoP ${accessToken}`,
          dpop: await (await DpopKey.create()).proof('GET', 'https://api.example.com/orders/7', { ath: ath(accessToken) }),
          ...forwarded,
        },
      ];
      for (const headers of refusals) {
        const reply = await check(headers);
        expect({ status: reply.status, code: reply.body?.code }).toEqual({ status: 401, code: 'session.dpop_invalid' });
        expect(reply.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
      }
      const replayed = await key.proof('GET', 'https://api.example.com/orders/7', { ath: ath(accessToken) });
      expect((await check({ authorization: `DPoP ${accessToken}`, dpop: replayed, ...forwarded })).status).toBe(200);
      expect((await check({ authorization: `DPoP ${accessToken}`, dpop: replayed, ...forwarded })).status).toBe(401);
      // fetch sends its own Host (the fetch spec forbids setting it): Envoy's would be the original authority.
      const authority = new URL(kparty.baseUrl).host;
      const envoy = await kparty.request('POST', '/v1/auth/check/envoy/orders/7', {
        headers: {
          authorization: `DPoP ${accessToken}`,
          'x-forwarded-proto': 'https',
          dpop: await key.proof('POST', `https://${authority}/orders/7`, { ath: ath(accessToken) }),
        },
      });
      expect(envoy.status).toBe(200);
    });
  });

  it('RFC 7009 revocation of a refresh token ends its family and denies its live access token; introspection shows refresh tokens', async () => {
    const signedIn = await signIn('refresh-plain', { authorization: `Bearer ${ordersKey}` });
    const { token, refreshToken } = signedIn.body.session as { token: string; refreshToken: string };
    expect((await introspect(refreshToken)).body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'orders', sub: holder.did });
    const billingView = await kparty.request('POST', '/v1/sessions/introspect', { key: billingKey, body: { token: refreshToken } });
    expect(billingView.body).toEqual({ active: false });
    const revoked = await kparty.request('POST', '/v1/sessions/revoke', {
      key: ordersKey,
      raw: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }).toString(),
      headers: FORM,
    });
    expect(revoked.status).toBe(200);
    expect((await introspect(refreshToken)).body).toEqual({ active: false });
    expect((await introspect(token)).body).toEqual({ active: false });
    expectInvalidGrant(await refresh(refreshToken, { authorization: `Bearer ${ordersKey}` }), 'session.family_ended');
  });

  it('POST /v1/admin/sessions/revoke logs a holder out everywhere: a relying party its own sessions, the operator all', async () => {
    const a = await signIn('refresh-plain', { authorization: `Bearer ${ordersKey}` });
    const b = await signIn('refresh-plain', { authorization: `Bearer ${ordersKey}` });
    const byBilling = await kparty.request('POST', '/v1/admin/sessions/revoke', { key: billingKey, body: { sub: holder.did } });
    expect(byBilling.body).toEqual({ revoked: 0 });
    const byOrders = await kparty.request('POST', '/v1/admin/sessions/revoke', { key: ordersKey, body: { sub: holder.did } });
    expect(byOrders.body.revoked).toBeGreaterThanOrEqual(2);
    for (const reply of [a, b]) {
      expectInvalidGrant(await refresh(reply.body.session.refreshToken, { authorization: `Bearer ${ordersKey}` }), 'session.family_ended');
      expect((await introspect(reply.body.session.token)).body).toEqual({ active: false });
    }
    const malformed = await kparty.request('POST', '/v1/admin/sessions/revoke', { key: ordersKey, body: { sub: '' } });
    expect({ status: malformed.status, code: malformed.body.code }).toEqual({ status: 400, code: 'request.invalid' });
    const anonymous = await kparty.request('POST', '/v1/admin/sessions/revoke', { body: { sub: holder.did } });
    expect(anonymous.status).toBe(401);
  });

  it('hostile refresh requests: malformed, oversized, repeated or unknown tokens are invalid_grant / invalid_request, never 500', async () => {
    const auth = { authorization: `Bearer ${ordersKey}` };
    for (const token of ['x', 'A'.repeat(43), 'A'.repeat(512), "'; DROP TABLE session_families; --", 'ü'.repeat(43)]) {
      expectInvalidGrant(await refresh(token, auth));
    }
    const tooLong = await refresh('A'.repeat(513), auth);
    expect({ status: tooLong.status, error: tooLong.body.error }).toEqual({ status: 400, error: 'invalid_request' });
    const missing = await kparty.request('POST', '/v1/token', { raw: 'grant_type=refresh_token', headers: { ...FORM, ...auth } });
    expect({ status: missing.status, error: missing.body.error }).toEqual({ status: 400, error: 'invalid_request' });
    const twice = await kparty.request('POST', '/v1/token', { raw: 'grant_type=refresh_token&refresh_token=a&refresh_token=b', headers: { ...FORM, ...auth } });
    expect({ status: twice.status, error: twice.body.error }).toEqual({ status: 400, error: 'invalid_request' });
    const badBasic = await refresh('A'.repeat(43), { authorization: 'Basic %%%' });
    expect(badBasic.status).toBe(401);
    const hugeDpop = await refresh('A'.repeat(43), { dpop: 'a'.repeat(9000) });
    expect(hugeDpop.body.error).toBe('invalid_dpop_proof');
  });

  it('two kparty processes on one database: of concurrent refreshes of one token exactly one succeeds, every time', async () => {
    // The second process trusts no proxy: X-Forwarded-* from its callers are their word, not a gateway's.
    const second = await startKparty({ dataDir: kparty.dataDir, env: { ...env(), KPARTY_ISSUER: issuerUrl, KPARTY_TRUST_PROXY: undefined } });
    try {
      const key = await DpopKey.create();
      const bound = await signIn('refresh-dpop', { dpop: await key.proof('POST', `${issuerUrl}/v1/presentations/verify`) });
      const accessToken = bound.body.session.token as string;
      const untrusted = await second.request('GET', '/v1/auth/check', {
        headers: {
          authorization: `DPoP ${accessToken}`,
          dpop: await key.proof('GET', 'https://api.example.com/orders', { ath: ath(accessToken) }),
          'x-forwarded-method': 'GET',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'api.example.com',
          'x-forwarded-uri': '/orders',
        },
      });
      expect({ status: untrusted.status, code: untrusted.body.code }).toEqual({ status: 401, code: 'session.dpop_invalid' });

      let token = (await signIn('refresh-plain', { authorization: `Bearer ${ordersKey}` })).body.session.refreshToken as string;
      for (let round = 0; round < 6; round += 1) {
        const replies = await Promise.all([kparty, second, kparty, second].map((target) => refresh(token, { authorization: `Bearer ${ordersKey}` }, target)));
        const winners = replies.filter((r) => r.status === 200);
        expect(winners).toHaveLength(1);
        for (const loser of replies.filter((r) => r.status !== 200)) expectInvalidGrant(loser, 'session.refresh_reused');
        token = winners[0]?.body.refresh_token as string;
      }
    } finally {
      await second.stop();
    }
  }, 60_000);
});
