/**
 * Forward-auth behind a REAL nginx (`auth_request`): nginx asks kparty's
 * GET /v1/auth/check about each request's session token, passes 401/403 on to
 * the client, and on 200 forwards the request to an upstream service with the
 * identity headers kparty answered (`auth_request_set`). The upstream is a
 * small node server that echoes the headers it received.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureNginx, startNginx, type RunningNginx } from '../support/nginx.js';
import { freePort, startKparty, type RunningKparty } from './harness.js';
import { mintSessionToken, setUpSessions, type SessionSetup } from './session-tokens.js';

interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

let kparty: RunningKparty;
let setup: SessionSetup;
let upstream: Server;
let nginx: RunningNginx;
/** Requests the upstream has received. */
let upstreamCalls = 0;

/** What nginx passes upstream: kparty's identity headers, replacing any a client sent under those names. */
const IDENTITY = ['Subject', 'Scope', 'Policy', 'Client']
  .map(
    (name) => `      auth_request_set $kparty_${name.toLowerCase()} $upstream_http_x_kparty_${name.toLowerCase()};
      proxy_set_header X-Kparty-${name} $kparty_${name.toLowerCase()};`,
  )
  .join('\n');

/** An internal location asking kparty; `query` adds requirements (scope, audience). */
const checkLocation = (name: string, kpartyPort: number, query = ''): string => `
    location = /_kparty/${name} {
      internal;
      proxy_pass http://127.0.0.1:${kpartyPort}/v1/auth/check${query};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
    }`;

const protectedLocation = (path: string, check: string, upstreamPort: number): string => `
    location ${path} {
      auth_request /_kparty/${check};
${IDENTITY}
      proxy_pass http://127.0.0.1:${upstreamPort};
    }`;

async function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: Headers; echo?: Echo }> {
  const response = await fetch(`${nginx.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, ...(response.status === 200 ? { echo: JSON.parse(text) as Echo } : {}) };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  ensureNginx(); // may install the Debian package (root only): before anything else starts
  kparty = await startKparty();
  setup = await setUpSessions(kparty, [
    { id: 'employee-portal', ttlSeconds: 120, scope: 'orders:read orders:write' },
    { id: 'admin-portal', ttlSeconds: 120, scope: 'orders:read orders:admin' },
  ]);
  upstream = createServer((request, response) => {
    upstreamCalls += 1;
    request.resume();
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ method: request.method, url: request.url, headers: request.headers }));
    });
  });
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const kpartyPort = Number(new URL(kparty.baseUrl).port);
  nginx = await startNginx(
    await freePort(),
    ({ port }) => `
  server {
    listen 127.0.0.1:${port};
${checkLocation('check', kpartyPort)}
${checkLocation('check-admin', kpartyPort, '?scope=orders:admin')}
${protectedLocation('/orders/', 'check', upstreamPort)}
${protectedLocation('/admin/', 'check-admin', upstreamPort)}
  }`,
  );
}, 15 * 60_000);

afterAll(async () => {
  await nginx?.stop();
  await new Promise((ok) => (upstream ? upstream.close(ok) : ok(undefined)));
  await kparty?.stop();
});

describe('nginx auth_request → GET /v1/auth/check', () => {
  it('answers a request without a token with 401 and the Bearer challenge; the upstream is never called', async () => {
    const calls = upstreamCalls;
    const reply = await get('/orders/1');
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="kparty"');
    expect((await get('/orders/1', bearer('not-a-token'))).status).toBe(401);
    expect(upstreamCalls).toBe(calls);
  });

  it('forwards a request with a valid token, and the upstream sees the identity headers kparty set', async () => {
    const token = await mintSessionToken(kparty, setup, 'employee-portal');
    const reply = await get('/orders/42?x=1', bearer(token));
    expect(reply.status).toBe(200);
    expect(reply.echo).toMatchObject({ method: 'GET', url: '/orders/42?x=1' });
    expect(reply.echo?.headers).toMatchObject({
      'x-kparty-subject': setup.holder.did,
      'x-kparty-scope': 'orders:read orders:write',
      'x-kparty-policy': 'employee-portal',
      'x-kparty-client': 'orders',
    });
  });

  it('replaces identity headers a client sends itself', async () => {
    const token = await mintSessionToken(kparty, setup, 'employee-portal');
    const reply = await get('/orders/1', { ...bearer(token), 'x-kparty-subject': 'did:example:mallory', 'x-kparty-scope': 'orders:admin' });
    expect(reply.echo?.headers).toMatchObject({ 'x-kparty-subject': setup.holder.did, 'x-kparty-scope': 'orders:read orders:write' });
  });

  it('checks POST requests with a body the same way (the subrequest carries no body)', async () => {
    const token = await mintSessionToken(kparty, setup, 'employee-portal');
    const reply = await get('/orders/', { ...bearer(token), 'content-type': 'application/json' }, 'POST', JSON.stringify({ item: 'pencil' }));
    expect(reply.status).toBe(200);
    expect(reply.echo).toMatchObject({ method: 'POST', headers: { 'x-kparty-subject': setup.holder.did } });
    expect((await get('/orders/', { 'content-type': 'application/json' }, 'POST', '{}')).status).toBe(401);
  });

  it('answers a revoked token with 401 invalid_token', async () => {
    const token = await mintSessionToken(kparty, setup, 'employee-portal');
    expect((await get('/orders/1', bearer(token))).status).toBe(200);
    const revoked = await kparty.request('POST', '/v1/sessions/revoke', {
      key: setup.rpKey,
      raw: `token=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(revoked.status).toBe(200);
    const reply = await get('/orders/1', bearer(token));
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="kparty", error="invalid_token"');
  });

  it('answers a valid token without the scope a location requires with 403, and lets one with it through', async () => {
    const staff = await mintSessionToken(kparty, setup, 'employee-portal');
    expect((await get('/admin/settings', bearer(staff))).status).toBe(403);
    const admin = await mintSessionToken(kparty, setup, 'admin-portal');
    const reply = await get('/admin/settings', bearer(admin));
    expect(reply.status).toBe(200);
    expect(reply.echo?.headers).toMatchObject({ 'x-kparty-policy': 'admin-portal', 'x-kparty-scope': 'orders:read orders:admin' });
  });

  it('answers a tampered token with 401', async () => {
    const token = await mintSessionToken(kparty, setup, 'employee-portal');
    expect((await get('/orders/1', bearer(`${token.slice(0, -2)}xx`))).status).toBe(401);
    expect(nginx.errorLog()).not.toMatch(/\[(emerg|alert|crit)\]/);
  });
});
