import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Post, UseGuards, type DynamicModule, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AUDIENCE, startLocalIssuer, type LocalIssuer } from '../__fixtures__/local-issuer.js';
import { IssuerDirectory } from '../issuer-directory.js';
import type { SessionClaims } from '../verify-session-token.js';
import { KpartySession, Scopes } from './decorators.js';
import { KpartyGuardModule } from './kparty-guard.module.js';
import { KpartyGuard } from './kparty.guard.js';

@Controller('orders')
@UseGuards(KpartyGuard)
@Scopes('orders:read')
class OrdersController {
  @Get()
  list(@KpartySession() session: SessionClaims): unknown {
    return { sub: session.sub, policy: session.policy };
  }

  @Post()
  @Scopes('orders:write')
  create(@KpartySession('client_id') clientId: string): unknown {
    return { createdFor: clientId };
  }

  @Post('refunds')
  @Scopes('orders:refund')
  refund(): unknown {
    return { refunded: true };
  }
}

@Controller('public')
class PublicController {
  /** A mistake the decorator must not hide: claims read where no guard ran. */
  @Get('claims')
  claims(@KpartySession() session: SessionClaims): unknown {
    return session;
  }
}

let local: LocalIssuer;

async function startApp(imports: DynamicModule[]): Promise<{ app: INestApplication; base: string }> {
  const moduleRef = await Test.createTestingModule({ imports, controllers: [OrdersController, PublicController] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl() };
}

beforeAll(async () => {
  local = await startLocalIssuer();
});
afterAll(async () => {
  await local.close();
});

describe('KpartyGuard on NestJS + Fastify', () => {
  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    ({ app, base } = await startApp([
      KpartyGuardModule.forRoot({ issuer: local.issuer, audience: AUDIENCE, realm: 'orders', directory: new IssuerDirectory() }),
    ]));
  });
  afterAll(async () => {
    await app.close();
  });

  const call = async (method: string, path: string, token?: string): Promise<Response> =>
    fetch(`${base}${path}`, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  it('lets a valid token in and hands the handler its claims', async () => {
    const reply = await call('GET', '/orders', await local.mint());
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ sub: expect.stringMatching(/^did:key:/), policy: 'employee-portal' });
    const created = await call('POST', '/orders', await local.mint());
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ createdFor: 'orders' });
  });

  it('answers 401 with WWW-Authenticate for no token and for a bad token', async () => {
    const none = await call('GET', '/orders');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    const expired = await call('GET', '/orders', await local.mint({ claims: { iat: 1_000, exp: 2_000 } }));
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer realm="orders", error="invalid_token", error_description="the token has expired"');
    expect(await expired.json()).toEqual({ error: 'invalid_token', error_description: 'the token has expired' });
  });

  it('requires class and handler scopes together (@Scopes merged), answering 403 insufficient_scope', async () => {
    const readOnly = await local.mint({ claims: { scope: 'orders:read' } });
    expect((await call('GET', '/orders', readOnly)).status).toBe(200);
    const write = await call('POST', '/orders', readOnly);
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toBe(
      'Bearer realm="orders", error="insufficient_scope", error_description="the token lacks the scope orders:write", scope="orders:read orders:write"',
    );
    const writeOnly = await local.mint({ claims: { scope: 'orders:write' } });
    expect((await call('POST', '/orders', writeOnly)).status).toBe(403);
    expect((await call('POST', '/orders/refunds', await local.mint())).status).toBe(403);
  });

  it('answers 400 invalid_request for a malformed header', async () => {
    const reply = await fetch(`${base}/orders`, { headers: { authorization: 'Bearer one two' } });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
  });

  it('answers 500, not the claims of nobody, when @KpartySession() is used without the guard', async () => {
    expect((await call('GET', '/public/claims', await local.mint())).status).toBe(500);
  });
});

describe('KpartyGuardModule', () => {
  it('builds options asynchronously (e.g. from configuration) and answers 503 while kparty is unreachable', async () => {
    const { app, base } = await startApp([KpartyGuardModule.forRootAsync({ useFactory: async () => ({ issuer: 'http://127.0.0.1:1', audience: AUDIENCE }) })]);
    try {
      const reply = await fetch(`${base}/orders`, { headers: { authorization: `Bearer ${await local.mint()}` } });
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('5');
      expect(await reply.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'the session token cannot be verified right now' });
    } finally {
      await app.close();
    }
  });

  it('refuses wrong options when the module is declared', () => {
    expect(() => KpartyGuardModule.forRoot({ issuer: 'not a url', audience: AUDIENCE })).toThrow(TypeError);
    expect(() => Scopes('orders read')).toThrow(TypeError);
  });
});

describe('KpartyGuard with DPoP-bound tokens (RFC 9449; proofs made with jose)', () => {
  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    ({ app, base } = await startApp([KpartyGuardModule.forRoot({ issuer: local.issuer, audience: AUDIENCE, directory: new IssuerDirectory() })]));
  });
  afterAll(async () => {
    await app.close();
  });

  it('builds htu from the request (Host, path without query) and checks the proof by the bound key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const token = await local.mint({ claims: { cnf: { jkt: await calculateJwkThumbprint(jwk, 'sha256') } } });
    const ath = createHash('sha256').update(token).digest('base64url');
    const proof = (htm: string, htu: string) =>
      new SignJWT({ htm, htu, ath, jti: randomUUID() }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().sign(privateKey);
    const ok = await fetch(`${base}/orders?page=2`, { headers: { authorization: `DPoP ${token}`, dpop: await proof('GET', `${base}/orders`) } });
    expect(ok.status).toBe(200);
    const wrongMethod = await fetch(`${base}/orders`, { headers: { authorization: `DPoP ${token}`, dpop: await proof('POST', `${base}/orders`) } });
    expect(wrongMethod.status).toBe(401);
    expect(wrongMethod.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
    const asBearer = await fetch(`${base}/orders`, { headers: { authorization: `Bearer ${token}` } });
    expect(asBearer.status).toBe(401);
  });
});
