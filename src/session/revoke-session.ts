import type { Principal } from '../admin/principal.js';
import type { Clock } from '../core/clock.js';
import type { SessionDenylist } from '../core/ports/session-denylist.js';
import { mayInspect } from './introspect-session.js';
import type { SessionVerifier } from './session-verifier.js';

/** What a revocation request did; the HTTP answer is 200 whatever it is (RFC 7009 §2.2). */
export type RevocationOutcome = 'revoked' | 'invalid_token' | 'not_owner';

export interface SessionRevocationDependencies {
  verifier: SessionVerifier;
  denylist: SessionDenylist;
  clock: Clock;
  /** `KPARTY_CLOCK_SKEW` seconds: verifiers accept a token this long after `exp`, so it stays denied that long too. */
  clockSkew: number;
}

/**
 * RFC 7009 revocation of a session token: its `jti` is denied until the token
 * could no longer verify anyway (`exp` + clock skew), for every replica.
 *
 * The token's signature is checked with kparty's own keys before its `jti`,
 * `exp` or `client_id` are trusted. A token that does not verify, or belongs
 * to another relying party, is left alone: RFC 7009 §2.2 treats both as an
 * invalid token, which is answered 200 like a success so the answer reveals
 * nothing about a token the caller may not see. Revoking a revoked token is
 * a success (idempotent).
 */
export async function revokeSession(deps: SessionRevocationDependencies, principal: Principal, token: string): Promise<RevocationOutcome> {
  const verification = await deps.verifier.verify(token, { checkRevocation: false });
  if (!verification.valid) return 'invalid_token';
  if (!mayInspect(principal, verification.claims)) return 'not_owner';
  const { jti, exp } = verification.claims;
  await deps.denylist.revoke(jti, (exp + deps.clockSkew) * 1000);
  return 'revoked';
}
