import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requireScopeTokens } from '../scopes.js';
import type { SessionClaims } from '../verify-session-token.js';
import { KPARTY_SCOPES } from './tokens.js';

/**
 * Scopes a session token must grant to reach this handler or controller. On
 * both, all of them are required (class and handler scopes are merged), on top
 * of the module's `scopes`.
 */
export const Scopes = (...scopes: string[]): MethodDecorator & ClassDecorator => SetMetadata(KPARTY_SCOPES, requireScopeTokens(scopes, '@Scopes()'));

/**
 * The verified session claims (`@KpartySession()`), or one claim
 * (`@KpartySession('sub')`). Only on handlers behind `KpartyGuard`.
 */
export const KpartySession = createParamDecorator((claim: string | undefined, context: ExecutionContext): unknown => {
  const claims = context.switchToHttp().getRequest<{ kparty?: SessionClaims }>().kparty;
  if (!claims) throw new Error('@KpartySession() is used on a handler that KpartyGuard does not protect');
  return claim === undefined ? claims : claims[claim];
});
