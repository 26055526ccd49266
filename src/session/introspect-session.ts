import type { Principal } from '../admin/principal.js';
import { RESERVED_SESSION_CLAIMS } from './session-issuer.js';
import type { SessionClaims, SessionVerifier } from './session-verifier.js';

/** An RFC 7662 §2.2 introspection response. */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope?: string;
      client_id: string;
      sub: string;
      aud: string | string[];
      iss: string;
      exp: number;
      iat: number;
      jti: string;
      /** `DPoP` for a DPoP-bound token (RFC 9449 §6.2). */
      token_type: 'Bearer' | 'DPoP';
      /** RFC 9449 §6.2: the key a DPoP-bound token is bound to. */
      cnf?: { jkt: string };
      /** kparty: the policy the session was issued under. */
      policy: string;
      /** The claims the policy mapped from the credentials. */
      [mapped: string]: unknown;
    };

/** Whether `principal` may learn about a session: the operator always, a relying party only for its own (`client_id`). */
export function mayInspect(principal: Principal, claims: SessionClaims): boolean {
  return principal.role === 'operator' || claims.client_id === principal.relyingPartyId;
}

/**
 * RFC 7662 token introspection of a session token. Anything that is not a
 * valid, unrevoked session of the caller — a bad signature, an expired or
 * revoked token, another relying party's token, a token of another `typ` — is
 * `{ active: false }`, with nothing to tell these cases apart.
 */
export async function introspectSession(verifier: SessionVerifier, principal: Principal, token: string): Promise<IntrospectionResponse> {
  const verification = await verifier.verify(token);
  if (!verification.valid || !mayInspect(principal, verification.claims)) return { active: false };
  const { scope, client_id, sub, aud, iss, exp, iat, jti, policy } = verification.claims;
  const cnf = verification.claims.cnf as { jkt?: unknown } | undefined;
  const jkt = typeof cnf === 'object' && cnf !== null && typeof cnf.jkt === 'string' ? cnf.jkt : undefined;
  const mapped = Object.fromEntries(Object.entries(verification.claims).filter(([name]) => !RESERVED_SESSION_CLAIMS.has(name)));
  return {
    active: true,
    ...(scope ? { scope } : {}),
    client_id,
    sub,
    aud,
    iss,
    exp,
    iat,
    jti,
    token_type: jkt !== undefined ? 'DPoP' : 'Bearer',
    ...(jkt !== undefined ? { cnf: { jkt } } : {}),
    policy,
    ...mapped,
  };
}
