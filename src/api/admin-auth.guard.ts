import { Inject, Injectable, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../admin/principal.js';
import { KpartyError } from '../core/errors.js';
import type { Kparty } from '../kparty.js';
import { KPARTY } from './tokens.js';

const OPERATOR_ONLY = 'kparty:operator-only';

/** Marks a handler that only the operator key may call. */
export const OperatorOnly = (): MethodDecorator & ClassDecorator => SetMetadata(OPERATOR_ONLY, true);

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The principal the AdminAuthGuard authenticated. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new KpartyError('auth.unauthorized', 'no principal on this request');
  return principal;
});

/** `Authorization: Bearer <api key>` → operator or relying party; anything else is 401. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    @Inject(KPARTY) private readonly kparty: Kparty,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new KpartyError('auth.unauthorized', 'send an API key as "Authorization: Bearer <key>"');
    const principal = await this.kparty.authenticator.authenticate(match[1]);
    if (!principal) throw new KpartyError('auth.unauthorized', 'the API key is not valid');
    const operatorOnly = this.reflector.getAllAndOverride<boolean>(OPERATOR_ONLY, [context.getHandler(), context.getClass()]);
    if (operatorOnly && principal.role !== 'operator') {
      throw new KpartyError('auth.forbidden', 'only the operator key may do this');
    }
    request.principal = principal;
    return true;
  }
}
