import { HttpException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { requestUrl, type SessionGuard } from '../session-guard.js';
import type { SessionClaims } from '../verify-session-token.js';
import { KPARTY_SCOPES, KPARTY_SESSION_GUARD } from './tokens.js';

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  /** Node's request (Fastify keeps it as `raw`; Express's request is one). */
  raw?: { socket?: { encrypted?: boolean } };
  socket?: { encrypted?: boolean };
  kparty?: SessionClaims;
}

/** Sets a header on a Fastify reply (`header`) or a Node/Express response (`setHeader`). */
function setResponseHeader(response: unknown, name: string, value: string): void {
  const target = response as { header?: (name: string, value: string) => unknown; setHeader?: (name: string, value: string) => unknown };
  if (typeof target.header === 'function') target.header(name, value);
  else if (typeof target.setHeader === 'function') target.setHeader(name, value);
  else throw new Error('KpartyGuard: the HTTP response object can set no header');
}

/**
 * NestJS guard accepting kparty session tokens: `@UseGuards(KpartyGuard)` on a
 * controller or handler (or as APP_GUARD), `@Scopes(...)` for what a route
 * needs, `@KpartySession()` to read the claims. A refused request gets the
 * RFC 6750 status and `WWW-Authenticate` header and `{ error, error_description }`.
 */
@Injectable()
export class KpartyGuard implements CanActivate {
  constructor(
    @Inject(KPARTY_SESSION_GUARD) private readonly guard: SessionGuard,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') throw new Error(`KpartyGuard protects HTTP handlers only, not ${context.getType()}`);
    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    const scopes = this.reflector.getAllAndMerge<string[]>(KPARTY_SCOPES, [context.getClass(), context.getHandler()]) ?? [];
    try {
      const socket = request.raw?.socket ?? request.socket;
      const info = {
        method: request.method ?? 'GET',
        url: requestUrl({ url: request.url, headers: request.headers, ...(socket ? { socket } : {}) }, this.guard.origin),
        ...(request.headers.dpop !== undefined ? { dpop: request.headers.dpop } : {}),
      };
      request.kparty = await this.guard.authenticate(request.headers.authorization, scopes, info);
      return true;
    } catch (error) {
      const refusal = this.guard.refusal(error);
      if (!refusal) throw error;
      const response = http.getResponse<unknown>();
      for (const [name, value] of Object.entries(refusal.headers)) setResponseHeader(response, name, value);
      throw new HttpException(refusal.body, refusal.status, { cause: error });
    }
  }
}
