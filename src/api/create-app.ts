import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController, type FastifyRequest } from 'fastify';
import { KpartyError } from '../core/errors.js';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger as Pino } from 'pino';
import type { Kparty } from '../kparty.js';
import { AppModule } from './app.module.js';
import { mountOpenApi } from './openapi.js';

/** SPEC: request bodies over 1 MiB answer 413. */
export const BODY_LIMIT_BYTES = 1_048_576;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is well-formed, so one id follows a request across services. */
function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** SPEC: bodies are JSON. Anything else is refused before parsing (the framework would accept text/plain). */
function requireJsonBody(request: FastifyRequest): void {
  const hasBody = request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0';
  if (!hasBody && request.headers['transfer-encoding'] === undefined) return;
  if (!JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '')) {
    throw new KpartyError('request.unsupported_media_type', 'send the body as application/json');
  }
}

/** Nest's own log lines (bootstrap, route map) go through the same pino logger as JSON. */
function nestLogger(pino: Pino): LoggerService {
  const line = (level: 'info' | 'warn' | 'error' | 'debug' | 'trace') => (message: unknown, ...rest: unknown[]) => {
    const context = rest.at(-1);
    pino[level]({ context: typeof context === 'string' ? context : undefined }, String(message));
  };
  return { log: line('info'), warn: line('warn'), error: line('error'), debug: line('debug'), verbose: line('trace'), fatal: line('error') };
}

/** Creates the NestJS application on Fastify over a composed core; the caller listens. */
export async function createApp(kparty: Kparty, pino: Pino): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: pino,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestId,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    trustProxy: false,
  });
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
    requireJsonBody(request);
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(kparty), adapter, {
    logger: nestLogger(pino),
    abortOnError: false,
  });
  mountOpenApi(app, kparty.config.issuer);
  return app;
}
