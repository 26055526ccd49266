import { KpartyError } from '../core/errors.js';
import type { ApiKeyAuthenticator } from './authenticator.js';
import { OPERATOR_OWNER } from '../core/model/policy.js';

/** Longest Authorization header value read for client authentication. */
const MAX_AUTHORIZATION_LENGTH = 2048;

/** RFC 6749 §2.3.1 / Appendix B: client_secret_basic id and secret are form-urlencoded before base64. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * The client a call to an OAuth endpoint authenticated as (docs/sessions.md):
 * `Authorization: Bearer <RP key>` or RFC 6749 §2.3.1 `client_secret_basic`
 * (client id = relying-party id, secret = its API key). Returns the relying
 * party id (`@operator` for the operator key), or undefined without an
 * Authorization header (a public client). A DPoP-scheme header is not client
 * authentication. Anything else — a malformed header, an unknown key, a
 * Basic id that is not the key's relying party — is 401 `auth.unauthorized`
 * (OAuth `invalid_client`).
 */
export async function authenticateClient(authorization: string | string[] | undefined, authenticator: ApiKeyAuthenticator): Promise<string | undefined> {
  if (authorization === undefined) return undefined;
  if (Array.isArray(authorization) || authorization.length > MAX_AUTHORIZATION_LENGTH) {
    throw new KpartyError('auth.unauthorized', 'send one Authorization header with the client credentials');
  }
  const bearer = /^Bearer ([\x21-\x7e]+)$/i.exec(authorization);
  if (bearer?.[1]) {
    const principal = await authenticator.authenticate(bearer[1]);
    if (!principal) throw new KpartyError('auth.unauthorized', 'the client key is not valid');
    return principal.role === 'operator' ? OPERATOR_OWNER : principal.relyingPartyId;
  }
  const basic = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(authorization);
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    let id: string;
    let secret: string;
    try {
      id = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw new KpartyError('auth.unauthorized', 'the client credentials are not form-encoded (RFC 6749 §2.3.1)');
    }
    if (colon < 1) throw new KpartyError('auth.unauthorized', 'client_secret_basic needs "client_id:client_secret"');
    const principal = await authenticator.authenticate(secret);
    if (!principal || principal.role !== 'relying_party' || principal.relyingPartyId !== id) {
      throw new KpartyError('auth.unauthorized', 'the client credentials are not valid');
    }
    return id;
  }
  throw new KpartyError('auth.unauthorized', 'authenticate with "Authorization: Bearer <key>" or client_secret_basic');
}
