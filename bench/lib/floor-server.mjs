/**
 * The HTTP floor (docs/benchmarks.md, section 2): the cheapest server that
 * answers POST /v1/presentations/verify the way kparty's does — same Fastify,
 * same body limit, JSON body parsed, a JSON answer of the size of a verify
 * success — and nothing else. `fastify`: Fastify alone; `nest`: the same
 * route through NestJS 12 on its Fastify adapter, as kparty mounts it.
 * What kparty costs beyond these is its own work (and the signatures).
 *
 * Run as `node bench/lib/floor-server.mjs <fastify|nest>` with PORT set.
 */
import 'reflect-metadata';
import Fastify from 'fastify';

const kind = process.argv[2];
const port = Number(process.env.PORT);
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Shaped and sized like a verify success (a session token of ~700 characters, one credential's claims). */
const ANSWER = Object.freeze({
  verified: true,
  policy: 'employee-portal',
  holder: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  credentials: [
    {
      format: 'jwt_vc_json',
      issuer: 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH',
      types: ['VerifiableCredential', 'EmployeeCredential'],
      claims: { credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', role: 'admin', email: 'ada@example.com' } },
      status: 'valid',
    },
  ],
  session: { access_token: 'e'.repeat(700), token_type: 'Bearer', expires_in: 300, scope: 'orders:read orders:write' },
});

async function fastifyFloor() {
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/v1/presentations/verify', async (request) => {
    if (typeof request.body?.presentation !== 'string') throw new Error('no presentation');
    return ANSWER;
  });
  await app.listen({ port, host: '127.0.0.1' });
}

async function nestFloor() {
  const { Module, Controller, Post, Get, HttpCode, Body } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  // Decorators applied by hand: this file is plain JavaScript.
  class FloorController {
    health() {
      return { status: 'ok' };
    }
    verify(body) {
      if (typeof body?.presentation !== 'string') throw new Error('no presentation');
      return ANSWER;
    }
  }
  Body()(FloorController.prototype, 'verify', 0);
  const method = (name) => Object.getOwnPropertyDescriptor(FloorController.prototype, name);
  Get('healthz')(FloorController.prototype, 'health', method('health'));
  Post('v1/presentations/verify')(FloorController.prototype, 'verify', method('verify'));
  HttpCode(200)(FloorController.prototype, 'verify', method('verify'));
  Reflect.defineMetadata('design:paramtypes', [Object], FloorController.prototype, 'verify');
  Controller()(FloorController);
  class FloorModule {}
  Module({ controllers: [FloorController] })(FloorModule);
  const app = await NestFactory.create(FloorModule, new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), { logger: false });
  await app.listen(port, '127.0.0.1');
}

if (kind === 'fastify') await fastifyFloor();
else if (kind === 'nest') await nestFloor();
else throw new Error(`floor-server: unknown kind ${kind}`);
