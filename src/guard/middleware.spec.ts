import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUDIENCE, METADATA_PATH, startLocalIssuer, type LocalIssuer } from './__fixtures__/local-issuer.js';
import { IssuerDirectory } from './issuer-directory.js';
import { kpartyMiddleware, type KpartyMiddleware, type KpartyRequest } from './middleware.js';
import type { SessionGuard } from './session-guard.js';

let local: LocalIssuer;
let api: Server;
let base: string;
const refusals: unknown[] = [];
const passedOn: unknown[] = [];

/** Runs a middleware, then answers 200 with the claims it set, or 500 for an error it passed on (as Express would). */
function route(middleware: KpartyMiddleware) {
  return (req: IncomingMessage, res: ServerResponse): void =>
    middleware(req, res, (error?: unknown) => {
      if (error) {
        passedOn.push(error);
        res.statusCode = 500;
        res.end('error handler');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ sub: (req as KpartyRequest).kparty.sub, scope: (req as KpartyRequest).kparty.scope }));
    });
}

beforeAll(async () => {
  local = await startLocalIssuer();
  const options = { issuer: local.issuer, audience: AUDIENCE, directory: new IssuerDirectory(), realm: 'orders' };
  const read = route(kpartyMiddleware({ ...options, scopes: ['orders:read'], onRefusal: (refusal, cause) => refusals.push({ refusal, cause }) }));
  const admin = route(kpartyMiddleware(options, ['orders:admin']));
  const down = route(kpartyMiddleware({ issuer: 'http://127.0.0.1:1', audience: AUDIENCE }));
  const broken: SessionGuard = {
    options: undefined as never,
    authenticate: () => Promise.reject(new RangeError('a bug')),
    refusal: () => undefined,
  };
  const buggy = route(kpartyMiddleware(broken));
  api = createServer((req, res) => {
    const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = { '/orders': read, '/admin': admin, '/down': down, '/buggy': buggy };
    const handler = routes[req.url ?? ''];
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => api.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  api.closeAllConnections();
  await new Promise((ok) => api.close(ok));
  await local.close();
});

const get = (path: string, authorization?: string): Promise<Response> =>
  fetch(`${base}${path}`, { headers: authorization === undefined ? {} : { authorization } });

describe('kpartyMiddleware over node:http', () => {
  it('lets a valid token through with its claims on req.kparty', async () => {
    const reply = await get('/orders', `Bearer ${await local.mint()}`);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ sub: expect.stringMatching(/^did:key:/), scope: 'orders:read orders:write' });
  });

  it('answers 401 with a bare challenge when no token is sent', async () => {
    const reply = await get('/orders');
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(await reply.json()).toEqual({ error: 'invalid_token', error_description: 'a bearer token is required' });
  });

  it('answers 401 invalid_token for a bad token, and tells onRefusal why', async () => {
    const reply = await get('/orders', `Bearer ${await local.mint({ claims: { aud: 'https://other.example' } })}`);
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="the token is not meant for this audience"',
    );
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(await reply.json()).toEqual({ error: 'invalid_token', error_description: 'the token is not meant for this audience' });
    expect(refusals.at(-1)).toMatchObject({ refusal: { status: 401 }, cause: { reason: 'audience_mismatch' } });
  });

  it('answers 403 insufficient_scope naming the required scopes', async () => {
    const reply = await get('/admin', `Bearer ${await local.mint()}`);
    expect(reply.status).toBe(403);
    expect(reply.headers.get('www-authenticate')).toBe(
      'Bearer realm="orders", error="insufficient_scope", error_description="the token lacks the scope orders:admin", scope="orders:admin"',
    );
    expect(await reply.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('answers 400 invalid_request for a malformed Authorization header', async () => {
    const reply = await get('/orders', 'Bearer a b c');
    expect(reply.status).toBe(400);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="invalid_request"/);
  });

  it('answers 503 with Retry-After, without internals, when kparty cannot be reached', async () => {
    const reply = await get('/down', `Bearer ${await local.mint()}`);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    const text = await reply.text();
    expect(JSON.parse(text)).toEqual({ error: 'temporarily_unavailable', error_description: 'the session token cannot be verified right now' });
    expect(text).not.toContain('127.0.0.1');
  });

  it('passes an unexpected error on to next(error) instead of answering', async () => {
    const reply = await get('/buggy', 'Bearer abc');
    expect(reply.status).toBe(500);
    expect(await reply.text()).toBe('error handler');
    expect(passedOn.at(-1)).toBeInstanceOf(RangeError);
  });

  it('fetches the metadata once across requests and routes sharing the process directory', async () => {
    const before = local.hits.get(METADATA_PATH) ?? 0;
    for (let i = 0; i < 3; i++) expect((await get('/orders', `Bearer ${await local.mint()}`)).status).toBe(200);
    expect(local.hits.get(METADATA_PATH)).toBe(before);
  });

  it('refuses options that are wrong when the middleware is made, not on the first request', () => {
    expect(() => kpartyMiddleware({ issuer: 'https://kparty.example/', audience: AUDIENCE })).toThrow(TypeError);
    expect(() => kpartyMiddleware({ issuer: 'https://kparty.example', audience: AUDIENCE }, ['bad scope'])).toThrow(TypeError);
    expect(() => kpartyMiddleware({ issuer: 'https://kparty.example', audience: AUDIENCE }, ['orders:read'])).not.toThrow();
  });
});
