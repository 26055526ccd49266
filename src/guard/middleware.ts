/**
 * A plain Node middleware, `(req, res, next)`: what Express, Connect and
 * router libraries call, and usable with bare node:http. On success it puts
 * the verified claims on `req.kparty` and calls `next()`; otherwise it answers
 * 400/401/403 with `WWW-Authenticate` (503 with `Retry-After` while kparty
 * cannot be asked) and a small JSON body, and does not call `next`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireScopeTokens } from './scopes.js';
import { createSessionGuard, requestUrl, type GuardRefusal, type SessionGuard, type SessionGuardOptions } from './session-guard.js';
import type { SessionClaims } from './verify-session-token.js';

/** A request the middleware let through. */
export interface KpartyRequest extends IncomingMessage {
  kparty: SessionClaims;
}

export type NextFunction = (error?: unknown) => void;
export type KpartyMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

export interface KpartyMiddlewareOptions extends SessionGuardOptions {
  /** Called with every refusal and its cause (e.g. to log why kparty could not be asked). */
  onRefusal?: (refusal: GuardRefusal, cause: unknown, req: IncomingMessage) => void;
}

function answer(res: ServerResponse, refusal: GuardRefusal): void {
  const body = JSON.stringify(refusal.body);
  res.statusCode = refusal.status;
  for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Middleware over a guard built from `options`, or over an existing guard (to share one between routes). */
export function kpartyMiddleware(options: KpartyMiddlewareOptions | SessionGuard, routeScopes: readonly string[] = []): KpartyMiddleware {
  requireScopeTokens(routeScopes, 'kpartyMiddleware: route scopes');
  const guard = 'authenticate' in options ? options : createSessionGuard(options);
  const onRefusal = 'authenticate' in options ? undefined : options.onRefusal;
  const origin = guard.origin;
  return (req, res, next) => {
    const request = {
      method: req.method ?? 'GET',
      url: requestUrl(req as Parameters<typeof requestUrl>[0], origin),
      ...(req.headers.dpop !== undefined ? { dpop: req.headers.dpop } : {}),
    };
    guard.authenticate(req.headers.authorization, routeScopes, request).then(
      (claims) => {
        (req as KpartyRequest).kparty = claims;
        next();
      },
      (error: unknown) => {
        const refusal = guard.refusal(error);
        if (!refusal) {
          next(error);
          return;
        }
        onRefusal?.(refusal, error, req);
        answer(res, refusal);
      },
    );
  };
}
