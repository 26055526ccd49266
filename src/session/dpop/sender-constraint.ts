import { KpartyError } from '../../core/errors.js';
import type { DpopRequest } from '../../guard/dpop.js';
import type { SessionClaims } from '../session-verifier.js';
import type { DpopProofs } from './dpop-proofs.js';

/** The access token of an Authorization header and its scheme: `Bearer` (RFC 6750) or `DPoP` (RFC 9449 §7.1). */
export interface PresentedToken {
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

/** Parses `Authorization: Bearer <token>` or `DPoP <token>` (schemes case-insensitive); undefined for none or another scheme. */
export function presentedToken(authorization: string | undefined): PresentedToken | undefined {
  const match = /^(Bearer|DPoP)(?:[ ]+(\S*))?[ ]*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  return { scheme: match[1]?.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] ?? '' };
}

/** The `cnf.jkt` a token is bound to, if any. */
export function boundJkt(claims: SessionClaims): string | undefined {
  const cnf = claims.cnf as unknown;
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  return typeof jkt === 'string' ? jkt : undefined;
}

/**
 * RFC 9449 §7.1 at a protected resource: a token bound to a key (`cnf.jkt`)
 * must come with the `DPoP` scheme and a proof by that key for this very
 * request, with `ath` — a stolen bound token is useless without the key. An
 * unbound token sent with the DPoP scheme is refused too (§7.2 leaves no
 * downgrade). `request` is undefined when the original request cannot be
 * known (an untrusted gateway): a bound token is then refused.
 */
export async function requireSenderConstraint(
  claims: SessionClaims,
  presented: PresentedToken,
  proofHeader: string | string[] | undefined,
  request: DpopRequest | undefined,
  proofs: DpopProofs,
): Promise<void> {
  const jkt = boundJkt(claims);
  if (jkt === undefined) {
    if (presented.scheme === 'DPoP') throw new KpartyError('session.invalid', 'the session token is not DPoP-bound: send it as Bearer');
    return;
  }
  if (presented.scheme !== 'DPoP')
    throw new KpartyError('session.dpop_invalid', 'this session token is DPoP-bound: send it as "Authorization: DPoP <token>" with a DPoP proof');
  if (request === undefined) {
    throw new KpartyError(
      'session.dpop_invalid',
      'the original request cannot be rebuilt: the gateway is not a trusted proxy or sent incomplete X-Forwarded-* headers',
    );
  }
  await proofs.verify(proofHeader, request, 'resource', { accessToken: presented.token, expectedJkt: jkt });
}
