/**
 * The framework-neutral core of the middleware and the NestJS guard: reads
 * the bearer token from a request's Authorization header, verifies it, and
 * says how to answer when it does not pass.
 */
import { IssuerUnavailableError, SessionTokenError } from './errors.js';
import { presentedAccessToken } from './bearer.js';
import type { DpopRequest } from './dpop.js';
import { requireScopeTokens } from './scopes.js';
import {
  resolveVerifyOptions,
  verifyResolved,
  type ResolvedVerifyOptions,
  type SessionClaims,
  type VerifySessionTokenOptions,
} from './verify-session-token.js';

export interface SessionGuardOptions extends VerifySessionTokenOptions {
  /** `realm` of the `WWW-Authenticate` challenge (RFC 6750 §3). Default none. */
  realm?: string;
  /** Seconds in `Retry-After` of a 503 answered while kparty cannot be asked. Default 5. */
  retryAfterSeconds?: number;
  /**
   * This API's public origin (`https://api.example.com`), from which the
   * middleware and NestJS guard build the URL a DPoP proof must name (`htu`).
   * Default: the request's Host header and the connection's TLS — set it
   * behind a reverse proxy.
   */
  origin?: string;
}

/** The HTTP answer to a refused request: RFC 6750 status and challenge, and a small JSON body. */
export interface GuardRefusal {
  status: 400 | 401 | 403 | 503;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

export interface SessionGuard {
  readonly options: ResolvedVerifyOptions;
  /** `origin` as given: the public origin DPoP proofs name. */
  readonly origin?: string | undefined;
  /**
   * Verifies the token of a request given its Authorization header value;
   * `routeScopes` are required on top of the guard's `scopes`.
   * @throws SessionTokenError | IssuerUnavailableError
   */
  authenticate(authorization: string | readonly string[] | undefined, routeScopes?: readonly string[], request?: GuardedRequestInfo): Promise<SessionClaims>;
  /** How to answer a failure of `authenticate`; `undefined` for an error that is neither (a bug: let the framework handle it). */
  refusal(error: unknown): GuardRefusal | undefined;
}

/** What the guard needs of a request to check a DPoP proof (RFC 9449 §4.3): the method and absolute URL the client used, and its DPoP header. */
export interface GuardedRequestInfo extends DpopRequest {
  dpop?: string | readonly string[];
}

/**
 * The absolute URL of a Node request as its client addressed it: `origin`
 * (the API's public origin, e.g. `https://api.example.com`, recommended
 * behind proxies) or the Host header and the connection's TLS, plus the path.
 */
export function requestUrl(
  req: { url?: string; headers: Record<string, string | string[] | undefined>; socket?: { encrypted?: boolean } },
  origin?: string,
): string {
  const host = typeof req.headers.host === 'string' ? req.headers.host : 'invalid.host';
  const base = origin ?? `${req.socket?.encrypted ? 'https' : 'http'}://${host}`;
  return `${base.replace(/\/+$/, '')}${req.url ?? '/'}`;
}

/** Builds a guard; wrong options throw a TypeError here, at start-up, not on the first request. */
export function createSessionGuard(options: SessionGuardOptions): SessionGuard {
  const resolved = resolveVerifyOptions(options);
  const retryAfter = options.retryAfterSeconds ?? 5;
  if (!Number.isInteger(retryAfter) || retryAfter < 0) throw new TypeError('kparty guard: retryAfterSeconds must be a non-negative integer');
  if (options.origin !== undefined && !/^https?:\/\/[^/?#]+$/.test(options.origin)) {
    throw new TypeError('kparty guard: origin must be scheme://host[:port], without a path');
  }
  return {
    options: resolved,
    origin: options.origin,
    async authenticate(authorization, routeScopes = [], request): Promise<SessionClaims> {
      requireScopeTokens(routeScopes, 'kparty guard: route scopes');
      const presented = presentedAccessToken(authorization);
      return verifyResolved(presented.token, resolved, routeScopes, {
        scheme: presented.scheme,
        ...(request !== undefined
          ? { request: { method: request.method, url: request.url }, ...(request.dpop !== undefined ? { proof: request.dpop } : {}) }
          : {}),
      });
    },
    refusal(error): GuardRefusal | undefined {
      if (error instanceof SessionTokenError) {
        const refused = error.withRealm(options.realm);
        return {
          status: refused.status,
          headers: { 'WWW-Authenticate': refused.wwwAuthenticate, 'Cache-Control': 'no-store' },
          body: { error: refused.code, error_description: refused.description },
        };
      }
      if (error instanceof IssuerUnavailableError) {
        // The reason (URLs, statuses) is for the application's logs, not for the caller.
        return {
          status: 503,
          headers: { 'Retry-After': String(retryAfter), 'Cache-Control': 'no-store' },
          body: { error: 'temporarily_unavailable', error_description: 'the session token cannot be verified right now' },
        };
      }
      return undefined;
    },
  };
}
