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
import { isOAuthEndpoint } from './oauth-errors.js';
import { mountOpenApi } from './openapi.js';
import { registerWalletRateLimits } from './rate-limit.hooks.js';
import { recordRoute } from './route-methods.js';
import { runInRequestContext } from '../observability/request-context.js';
import { performance } from 'node:perf_hooks';
import type { Principal } from '../admin/principal.js';

/** docs/api.md: request bodies over 1 MiB answer 413. */
export const BODY_LIMIT_BYTES = 1_048_576;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is well-formed, so one id follows a request across services. */
function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;
const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** OpenID4VP 1.0 wallet endpoints take form bodies (request_uri POST, response_uri): docs/oid4vp.md. */
const isOid4vpFormEndpoint = (path: string): boolean => path.startsWith('/v1/oid4vp/request-objects/') || path.startsWith('/v1/oid4vp/responses/');

/** Forward-auth reads no body; gateways may pass on the original request's Content-Type and Content-Length. */
const isForwardAuth = (path: string): boolean => path === '/v1/auth/check' || path === '/v1/auth/check/envoy' || path.startsWith('/v1/auth/check/envoy/');

/**
 * docs/api.md: bodies are JSON. Anything else is refused before parsing (the framework
 * would accept text/plain) — except that the OAuth endpoints (token,
 * introspection, revocation) also take the form bodies their RFCs specify,
 * which Nest's Fastify adapter parses (application/x-www-form-urlencoded).
 */
function requireSupportedBody(request: FastifyRequest): void {
  const hasBody = request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0';
  if (!hasBody && request.headers['transfer-encoding'] === undefined) return;
  if (isForwardAuth(request.url.split('?', 1)[0] ?? '')) return;
  const contentType = request.headers['content-type'] ?? '';
  if (JSON_MEDIA_TYPE.test(contentType)) return;
  if (isOid4vpFormEndpoint(request.url.split('?', 1)[0] ?? '')) {
    if (FORM_MEDIA_TYPE.test(contentType)) return;
    throw new KpartyError('request.unsupported_media_type', 'send the body as application/x-www-form-urlencoded');
  }
  if (isOAuthEndpoint(request)) {
    if (FORM_MEDIA_TYPE.test(contentType)) return;
    throw new KpartyError('request.unsupported_media_type', 'send the body as application/x-www-form-urlencoded or application/json');
  }
  throw new KpartyError('request.unsupported_media_type', 'send the body as application/json');
}

/** KPARTY_OID4VP_MAX_RESPONSE_BYTES on the OpenID4VP wallet endpoints, judged by Content-Length before the body is read (chunked bodies: the global 1 MiB cap). */
function requireOid4vpBodyLimit(request: FastifyRequest, maxBytes: number): void {
  if (!isOid4vpFormEndpoint(request.url.split('?', 1)[0] ?? '')) return;
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes)
    throw new KpartyError('request.too_large', `OpenID4VP request bodies are limited to ${maxBytes} bytes (KPARTY_OID4VP_MAX_RESPONSE_BYTES)`);
}

/**
 * Nest's start-up chatter: one line per module, per controller and per route
 * (about 35 lines that buried the one line an operator needs, issue 16). At
 * `debug` only; warnings and errors from these contexts keep their level.
 */
const START_UP_CONTEXTS: ReadonlySet<string> = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Nest's own log lines (bootstrap, route map) go through the same pino logger as JSON. */
function nestLogger(pino: Pino): LoggerService {
  const line =
    (level: 'info' | 'warn' | 'error' | 'debug' | 'trace') =>
    (message: unknown, ...rest: unknown[]) => {
      const context = rest.at(-1);
      const name = typeof context === 'string' ? context : undefined;
      pino[level === 'info' && name !== undefined && START_UP_CONTEXTS.has(name) ? 'debug' : level]({ context: name }, String(message));
    };
  return { log: line('info'), warn: line('warn'), error: line('error'), debug: line('debug'), verbose: line('trace'), fatal: line('error') };
}

/**
 * Node's http server limits from KPARTY_HTTP_*_TIMEOUT_MS: the whole request (headers and body), the headers alone,
 * socket inactivity and idle keep-alive connections. Node enforces the first two on a timer, checked often enough
 * that a limit is overrun by at most a quarter of itself (never less than 100 ms, never more than 1 s).
 */
export function inboundTimeouts(timeouts: { requestMs: number; headersMs: number; idleMs: number; keepAliveMs: number }) {
  const headersMs = Math.min(timeouts.headersMs, timeouts.requestMs);
  return {
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: headersMs, connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersMs / 4))) },
  };
}

const CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * One `info` line per successful change through the admin API (relying
 * parties, policies, keys): who (operator or relying-party id, never a key),
 * what (method, route, its parameters) and the status. Failures are logged by
 * the problem-details filter.
 */
function logAdminChange(request: FastifyRequest, status: number): void {
  const route = request.routeOptions.url;
  if (!route?.startsWith('/v1/admin/') || !CHANGING_METHODS.has(request.method) || status >= 400) return;
  const principal = (request as FastifyRequest & { principal?: Principal }).principal;
  const by = principal === undefined ? undefined : principal.role === 'operator' ? '@operator' : principal.relyingPartyId;
  request.log.info({ adminChange: `${request.method} ${route}`, params: request.params, status, by }, 'admin change');
}

/** Creates the NestJS application on Fastify over a composed core; the caller listens. */
export async function createApp(
  kparty: Kparty,
  pino: Pino,
  /** `openApi: false` skips GET /docs (its static assets load through a dynamic import Jest's ESM runtime cannot do): in-process tests only. */
  options: { openApi?: boolean } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: pino,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestId,
    // Per-request access lines ("incoming request", "request completed") only at LOG_LEVEL debug or
    // trace: at info they were two JSON lines per request written synchronously to stdout, about 5 %
    // of a verify request's CPU when measured for issue 7. Failures are still logged, with their
    // request id, by the problem-details filter through request.log.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: !pino.isLevelEnabled('debug') }),
    // KPARTY_TRUST_PROXY: only these peers may name the client in X-Forwarded-For (request.ip); none by default.
    trustProxy: kparty.config.trustProxy.length > 0 ? [...kparty.config.trustProxy] : false,
    // Inbound timeouts (docs/security.md, "Inbound timeouts"): a client dripping a body one byte every few seconds
    // held a connection for minutes (issue 11 finding 8). Node checks them every connectionsCheckingInterval.
    ...inboundTimeouts(kparty.config.httpTimeouts),
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRoute', (route) => recordRoute(fastify, route.method, route.url));
  // Every log line about a request can say how long it had run (the decision line's durationMs).
  fastify.addHook('onRequest', (_request, _reply, done) => runInRequestContext({ startedAt: performance.now() }, done));
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
    requireSupportedBody(request);
    requireOid4vpBodyLimit(request, kparty.config.oid4vp.maxResponseBytes);
  });
  fastify.addHook('onResponse', async (request, reply) => logAdminChange(request, reply.statusCode));
  adapter.getInstance().addHook('onResponse', async (request, reply) => {
    // The route template (bounded), never the raw URL; 404s share one label.
    kparty.metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  registerWalletRateLimits(adapter.getInstance(), kparty.rateLimits);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(kparty), adapter, {
    logger: nestLogger(pino),
    abortOnError: false,
  });
  if (options.openApi !== false) mountOpenApi(app, kparty.config.issuer);
  return app;
}
