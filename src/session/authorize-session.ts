import { KpartyError } from '../core/errors.js';
import type { SessionClaims, SessionVerifier } from './session-verifier.js';

/** What a gateway asks of a session token on top of its validity (`GET /v1/auth/check`). */
export interface AccessRequirements {
  /** Every one of these scopes must be in the token's `scope`. */
  scopes: readonly string[];
  /** When set, the token's `aud` must name it. */
  audience?: string;
  /** When set, the token's `client_id` (the relying party it was issued to) must equal it. */
  clientId?: string;
}

/**
 * Forward-auth's decision (docs/api.md): a valid, unrevoked session token meeting
 * the requirements yields its claims. No token is `session.missing` and an
 * invalid, expired, revoked or wrong-audience token `session.invalid` (both
 * 401: the client should get a new token); a valid token without a required
 * scope is `session.insufficient_scope` (403: a new token would not help).
 */
export async function authorizeSession(verifier: SessionVerifier, token: string | undefined, requirements: AccessRequirements): Promise<SessionClaims> {
  if (token === undefined) throw new KpartyError('session.missing', 'send the session token as "Authorization: Bearer <token>"');
  const verification = await verifier.verify(token);
  if (!verification.valid) throw new KpartyError('session.invalid', 'the session token is invalid, expired or revoked');
  const { claims } = verification;
  if (requirements.audience !== undefined) {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(requirements.audience)) {
      throw new KpartyError('session.invalid', 'the session token was issued for another audience');
    }
  }
  if (requirements.clientId !== undefined && claims.client_id !== requirements.clientId) {
    throw new KpartyError('session.invalid', 'the session token was issued to another relying party');
  }
  const granted = new Set((claims.scope ?? '').split(' ').filter(Boolean));
  const missing = requirements.scopes.filter((scope) => !granted.has(scope));
  if (missing.length > 0) {
    throw new KpartyError('session.insufficient_scope', `the session token lacks the scope(s): ${missing.join(' ')}`);
  }
  return claims;
}
