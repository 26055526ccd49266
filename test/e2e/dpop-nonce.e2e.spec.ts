/**
 * Server-provided DPoP nonces (RFC 9449 §8, KPARTY_DPOP_NONCE=true) and the
 * RFC 8693 token exchange returning a refresh token, against the built
 * service; proofs made with jose.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity } from '../support/identities.js';
import { startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { sessionPolicy } from './session-tokens.js';

const issuer = ed25519Identity();
const holder = ed25519Identity();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('DPoP nonces and token exchange with refresh (built service)', () => {
  let kparty: RunningKparty;
  let rpKey: string;
  let issuerUrl: string;
  let privateKey: CryptoKey;
  let jwk: JWK;

  const proof = (htu: string, nonce?: string): Promise<string> =>
    new SignJWT({ htm: 'POST', htu, jti: randomUUID(), ...(nonce ? { nonce } : {}) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .setIssuedAt()
      .sign(privateKey);

  const presentation = async (policy: string): Promise<string> => {
    const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy } });
    const credential = await issueJwtVc(issuer, holder.did, { claims: { role: 'staff', email: 'alice@example.com' } });
    return presentJwtVp(holder, [credential], { nonce: challenge.body.challenge, aud: challenge.body.domain });
  };

  beforeAll(async () => {
    kparty = await startKparty({ env: { KPARTY_DPOP_NONCE: 'true', KPARTY_RATE_LIMIT: '0' } });
    issuerUrl = `http://localhost:${new URL(kparty.baseUrl).port}`;
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    jwk = await exportJWK(pair.publicKey);
    const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'orders', name: 'Orders', audiences: ['https://orders.example.com'] },
    });
    rpKey = rp.body.apiKey;
    const refresh = { ttlSeconds: 600, absoluteTtlSeconds: 3600, recheck: 'none' };
    const policies: Array<[string, Record<string, unknown>]> = [
      ['dpop-portal', { scope: 'orders:read', refresh, dpop: 'optional' }],
      ['rp-portal', { scope: 'orders:read', refresh }],
    ];
    for (const [id, session] of policies) {
      const body = { ...sessionPolicy(id, issuer.did, {}), session };
      expect((await kparty.request('PUT', `/v1/admin/policies/${id}`, { key: rpKey, body })).status).toBe(201);
    }
  }, 30_000);

  afterAll(async () => {
    await kparty?.stop();
  });

  it('a proof without the server nonce gets use_dpop_nonce and the nonce; with it, the exchange binds the session', async () => {
    const params = async () =>
      new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: await presentation('dpop-portal'),
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        policy: 'dpop-portal',
      }).toString();
    const first = await kparty.request('POST', '/v1/token', { raw: await params(), headers: { ...FORM, dpop: await proof(`${issuerUrl}/v1/token`) } });
    expect({ status: first.status, error: first.body.error, code: first.body.code }).toEqual({
      status: 400,
      error: 'use_dpop_nonce',
      code: 'oauth.use_dpop_nonce',
    });
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[a-z0-9]+\.[A-Za-z0-9_-]{32}$/);
    const forged = await kparty.request('POST', '/v1/token', {
      raw: await params(),
      headers: { ...FORM, dpop: await proof(`${issuerUrl}/v1/token`, `${nonce?.split('.')[0]}.${'A'.repeat(32)}`) },
    });
    expect(forged.body.error).toBe('use_dpop_nonce');
    const second = await kparty.request('POST', '/v1/token', {
      raw: await params(),
      headers: { ...FORM, dpop: await proof(`${issuerUrl}/v1/token`, nonce ?? '') },
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ token_type: 'DPoP', refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(
      (await kparty.request('GET', '/v1/auth/check', { headers: { authorization: `DPoP ${second.body.access_token}` } })).headers.get('www-authenticate'),
    ).toMatch(/^DPoP /);
  });

  it('token exchange by the relying party (client_secret_basic) returns a refresh token; without client authentication none', async () => {
    const exchange = async (headers: Record<string, string>) =>
      kparty.request('POST', '/v1/token', {
        raw: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: await presentation('rp-portal'),
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          policy: 'rp-portal',
        }).toString(),
        headers: { ...FORM, ...headers },
      });
    const confidential = await exchange({ authorization: `Basic ${Buffer.from(`orders:${rpKey}`).toString('base64')}` });
    expect(confidential.status).toBe(200);
    expect(confidential.body).toMatchObject({ token_type: 'Bearer', refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const anonymous = await exchange({});
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.refresh_token).toBeUndefined();
  });
});
