import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KpartyError, problemKind, type ErrorEntry, type ProblemCode } from '../core/errors.js';
import { isOAuthEndpoint, oauthErrorMembers, oauthStatus } from './oauth-errors.js';
import { allowedMethods } from './route-methods.js';
import { DPOP_ALGORITHMS } from '../guard/dpop.js';

/** RFC 9457 problem details, as every error response of kparty is shaped. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: ErrorEntry[];
  /** How many failures `errors` leaves out (KPARTY_MAX_ERRORS). */
  errorsOmitted?: number;
  requestId?: string;
}

/** Stable problem type URIs: `urn:kparty:problem:<code>` (documented in docs/errors.md). */
export const problemType = (code: string): string => `urn:kparty:problem:${code}`;

interface FrameworkError {
  statusCode?: number;
  code?: string;
}

/**
 * RFC 6750 §3 `WWW-Authenticate` challenges: a missing session token carries
 * no error code (§3.1), an invalid one `invalid_token`, a valid one without
 * the scope `insufficient_scope` (on the 403); other 401s name only the realm.
 */
const BEARER_ERRORS: Partial<Record<ProblemCode, string>> = {
  'session.invalid': 'invalid_token',
  'session.insufficient_scope': 'insufficient_scope',
};

/** RFC 9449 §7.1: DPoP-bound tokens are challenged with the DPoP scheme and the proof algorithms accepted. */
const DPOP_ERRORS: Partial<Record<ProblemCode, string>> = {
  'session.dpop_invalid': 'invalid_dpop_proof',
  'session.dpop_nonce': 'use_dpop_nonce',
};

function bearerChallenge(problem: KpartyError): string | undefined {
  const dpopError = DPOP_ERRORS[problem.code];
  if (dpopError !== undefined) return `DPoP realm="kparty", error="${dpopError}", algs="${DPOP_ALGORITHMS.join(' ')}"`;
  const error = BEARER_ERRORS[problem.code];
  if (error !== undefined) return `Bearer realm="kparty", error="${error}"`;
  return problem.status === 401 ? 'Bearer realm="kparty"' : undefined;
}

/** Translates errors Fastify and Nest raise before our code runs (parsing, routing) into KpartyErrors. */
function fromFramework(error: unknown): KpartyError | null {
  if (error instanceof KpartyError) return error;
  const status = error instanceof HttpException ? error.getStatus() : (error as FrameworkError | null)?.statusCode;
  const code = (error as FrameworkError | null)?.code;
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new KpartyError('request.too_large', 'request bodies are limited to 1 MiB');
  }
  if (status === 415 || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new KpartyError('request.unsupported_media_type', 'send the body as application/json');
  }
  if (status === 404) return new KpartyError('route.not_found', 'no such endpoint');
  if (status === 405) return new KpartyError('route.method_not_allowed', 'method not allowed');
  if (status === 400 || error instanceof SyntaxError) {
    // Fastify's parser messages are generic ("Body is not valid JSON ..."), but keep ours stable.
    const detail =
      code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'the JSON body is empty'
        : error instanceof HttpException
          ? 'the request body could not be parsed'
          : 'the request body is not valid JSON';
    return new KpartyError('request.invalid', detail);
  }
  return null;
}

/** A 404 for a path some route answers under other methods is a 405 (the Allow header is set by the filter). */
function methodNotAllowed(request: FastifyRequest, problem: KpartyError | null): KpartyError | null {
  if (problem?.code !== 'route.not_found') return problem;
  const allowed = allowedMethods(request.server, request.url.split('?', 1)[0] ?? '');
  if (allowed.length === 0 || allowed.includes(request.method)) return problem;
  return new KpartyError('route.method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(', ')}`);
}

/**
 * The one exception filter: KpartyErrors become problem+json with their code;
 * framework errors are translated; anything else is a 500 whose cause is
 * logged, never shown.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const known = methodNotAllowed(request, fromFramework(error));
    const problem = known ?? new KpartyError('internal', 'internal error', { cause: error });
    if (!known || problem.status >= 500) {
      request.log.error({ err: error, code: problem.code }, 'request failed');
    } else if (problem.status === 401 || problem.status === 403) {
      // Every refused credential leaves a line (never the key or token itself); API keys at warn, session tokens at info.
      const route = request.routeOptions.url ?? request.url.split('?', 1)[0];
      request.log[problem.code.startsWith('auth.') ? 'warn' : 'info'](
        { code: problem.code, route, method: request.method, ip: request.ip },
        'authentication failed',
      );
    }
    if (problem.code === 'route.method_not_allowed') void reply.header('Allow', allowedMethods(request.server, request.url.split('?', 1)[0] ?? '').join(', '));
    const body: ProblemDetails = {
      type: problemType(problem.code),
      title: problem.title,
      status: problem.status,
      detail: problem.expose ? problem.detail : problemKind(problem.code).title,
      code: problem.code,
      ...(problem.expose && problem.errors ? { errors: problem.errors } : {}),
      ...(problem.expose && problem.errorsOmitted !== undefined ? { errorsOmitted: problem.errorsOmitted } : {}),
      requestId: String(request.id),
    };
    if (problem.retryAfter !== undefined) void reply.header('Retry-After', String(problem.retryAfter));
    const challenge = bearerChallenge(problem);
    if (challenge !== undefined) void reply.header('WWW-Authenticate', challenge);
    if (isOAuthEndpoint(request)) {
      // RFC 6749 §5.2: `error`/`error_description` as application/json, never cached; the problem members stay beside them.
      const status = oauthStatus(problem);
      void reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
      void reply
        .status(status)
        .header('Content-Type', 'application/json')
        .send({ ...oauthErrorMembers(problem, body.detail), ...body, status });
      return;
    }
    void reply.status(problem.status).header('Content-Type', 'application/problem+json').send(body);
  }
}
