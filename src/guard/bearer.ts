/** Reads the access token from `Authorization: Bearer <token>` (RFC 6750 §2.1); the only place the guard looks. */
import { SessionTokenError } from './errors.js';

/** b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The bearer token of a request. No header, or another scheme, is a request
 * without credentials (401 without error code); a Bearer header that is not
 * exactly one token, or several Authorization headers, is `invalid_request`.
 */
export function bearerToken(authorization: string | readonly string[] | undefined): string {
  if (Array.isArray(authorization)) {
    if (authorization.length > 1) throw malformed('send one Authorization header');
    return bearerToken(authorization[0]);
  }
  const header = typeof authorization === 'string' ? authorization.trim() : '';
  if (header === '') throw new SessionTokenError('invalid_token', 'token_missing', 'a bearer token is required');
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') throw new SessionTokenError('invalid_token', 'token_missing', 'a bearer token is required');
  const token = space === -1 ? '' : header.slice(space + 1).replace(/^ +/, '');
  if (!B64TOKEN.test(token)) throw malformed('send exactly one token as "Authorization: Bearer <token>"');
  return token;
}

function malformed(description: string): SessionTokenError {
  return new SessionTokenError('invalid_request', 'authorization_malformed', description);
}

/** The access token of a request and the scheme it came with: `Bearer` (RFC 6750) or `DPoP` (RFC 9449 §7.1). */
export interface PresentedAccessToken {
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

/** Like {@link bearerToken}, also accepting the `DPoP` scheme (case-insensitive). */
export function presentedAccessToken(authorization: string | readonly string[] | undefined): PresentedAccessToken {
  if (Array.isArray(authorization)) {
    if (authorization.length > 1) throw malformed('send one Authorization header');
    return presentedAccessToken(authorization[0]);
  }
  const header = typeof authorization === 'string' ? authorization.trim() : '';
  const space = header.indexOf(' ');
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  if (scheme !== 'dpop') return { scheme: 'Bearer', token: bearerToken(authorization) };
  const token = header.slice(space + 1).replace(/^ +/, '');
  if (space === -1 || !B64TOKEN.test(token)) throw malformed('send exactly one token as "Authorization: DPoP <token>"');
  return { scheme: 'DPoP', token };
}
