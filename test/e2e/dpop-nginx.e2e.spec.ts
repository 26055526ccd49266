/**
 * DPoP-bound session tokens behind a REAL nginx (`auth_request`), configured
 * with the lines docs/sessions.md gives: nginx forwards the client's
 * Authorization and DPoP headers to GET /v1/auth/check and describes the
 * original request in X-Forwarded-Method/-Proto/-Host/-Uri, which kparty
 * trusts because nginx's address is in KPARTY_TRUST_PROXY. Proofs are made with jose.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity } from '../support/identities.js';
import { ensureNginx, startNginx, type RunningNginx } from '../support/nginx.js';
import { freePort, startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { sessionPolicy } from './session-tokens.js';

const issuer = ed25519Identity();
const holder = ed25519Identity();

let kparty: RunningKparty;
let nginx: RunningNginx;
let upstream: Server;
let upstreamCalls = 0;
let privateKey: CryptoKey;
let jwk: JWK;

const ath = (token: string): string => createHash('sha256').update(token).digest('base64url');
const proof = (htm: string, htu: string, claims: Record<string, unknown> = {}): Promise<string> =>
  new SignJWT({ htm, htu, jti: randomUUID(), ...claims }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().sign(privateKey);

beforeAll(async () => {
  ensureNginx();
  kparty = await startKparty({ env: { KPARTY_TRUST_PROXY: '127.0.0.1', KPARTY_RATE_LIMIT: '0' } });
  const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
    key: TEST_ADMIN_KEY,
    body: { id: 'orders', name: 'Orders', audiences: ['https://orders.example.com'] },
  });
  const policy = {
    ...sessionPolicy('bound', issuer.did, {}),
    session: { scope: 'orders:read', dpop: 'required', refresh: { ttlSeconds: 600, absoluteTtlSeconds: 3600, recheck: 'none' } },
  };
  expect((await kparty.request('PUT', '/v1/admin/policies/bound', { key: rp.body.apiKey, body: policy })).status).toBe(201);
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  jwk = await exportJWK(pair.publicKey);
  upstream = createServer((request, response) => {
    upstreamCalls += 1;
    request.resume();
    response.end(JSON.stringify({ subject: request.headers['x-kparty-subject'] }));
  });
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const kpartyPort = Number(new URL(kparty.baseUrl).port);
  nginx = await startNginx(
    await freePort(),
    ({ port }) => `
  server {
    listen 127.0.0.1:${port};
    location = /_kparty_check {
      internal;
      proxy_pass http://127.0.0.1:${kpartyPort}/v1/auth/check?audience=https%3A%2F%2Forders.example.com;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-Method $request_method;
      proxy_set_header X-Forwarded-Proto  $scheme;
      proxy_set_header X-Forwarded-Host   $http_host;
      proxy_set_header X-Forwarded-Uri    $request_uri;
    }
    location /orders {
      auth_request /_kparty_check;
      auth_request_set $kparty_subject $upstream_http_x_kparty_subject;
      proxy_set_header X-Kparty-Subject $kparty_subject;
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
  }`,
  );
}, 15 * 60_000);

afterAll(async () => {
  await nginx?.stop();
  await new Promise((ok) => (upstream ? upstream.close(ok) : ok(undefined)));
  await kparty?.stop();
});

describe('nginx auth_request with DPoP-bound tokens', () => {
  it('passes a request whose proof names it, and refuses another path, method, key binding or a replay', async () => {
    const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy: 'bound' } });
    const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: challenge.body.challenge, aud: challenge.body.domain });
    const issuerUrl = `http://localhost:${new URL(kparty.baseUrl).port}`;
    const signedIn = await kparty.request('POST', '/v1/presentations/verify', {
      body: { policy: 'bound', presentation: vp },
      headers: { dpop: await proof('POST', `${issuerUrl}/v1/presentations/verify`) },
    });
    expect(signedIn.status).toBe(200);
    const token = signedIn.body.session.token as string;
    const origin = nginx.url; // http://127.0.0.1:<port>, as the client addresses nginx
    const call = (method: string, path: string, dpop?: string) =>
      fetch(`${origin}${path}`, { method, headers: { authorization: `DPoP ${token}`, ...(dpop ? { dpop } : {}) } });

    const ok = await call('GET', '/orders/7?page=2', await proof('GET', `${origin}/orders/7`, { ath: ath(token) }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ subject: holder.did });

    const calls = upstreamCalls;
    const refusals = [
      await call('GET', '/orders/7', await proof('GET', `${origin}/orders/8`, { ath: ath(token) })),
      await call('DELETE', '/orders/7', await proof('GET', `${origin}/orders/7`, { ath: ath(token) })),
      await call('GET', '/orders/7'),
    ];
    for (const reply of refusals) {
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
    }
    const once = await proof('GET', `${origin}/orders/9`, { ath: ath(token) });
    expect((await call('GET', '/orders/9', once)).status).toBe(200);
    expect((await call('GET', '/orders/9', once)).status).toBe(401);
    expect(upstreamCalls).toBe(calls + 1);
  });
});
