/**
 * RFC 7662 token introspection, used by the guard's introspection mode to
 * honour revocation: kparty answers `{ "active": false }` for a revoked (or
 * otherwise unusable) token. The relying party authenticates with its API key
 * as a bearer credential, as kparty's admin API does.
 */
import { boundedFetch, jsonObject, type FetchLimits } from './bounded-fetch.js';
import { IssuerUnavailableError } from './errors.js';

/** Options of the guard's introspection mode. */
export interface IntrospectionOptions {
  /** The relying party's kparty API key (`kpk_…`): kparty only introspects a relying party's own tokens. */
  clientKey: string;
}

/** Asks kparty whether `token` is active; true only for an explicit `"active": true`. */
export async function isTokenActive(token: string, endpoint: string, options: IntrospectionOptions, limits: FetchLimits): Promise<boolean> {
  const response = await boundedFetch(
    endpoint,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.clientKey}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    },
    limits,
  );
  if (response.status === 401 || response.status === 403) {
    // The application's key is wrong or revoked: a configuration fault, not the caller's.
    throw new IssuerUnavailableError(
      'client_unauthorized',
      `kparty refused the introspection credentials (${response.status}); check the relying party's API key`,
    );
  }
  if (response.status !== 200) {
    throw new IssuerUnavailableError('bad_response', `the introspection endpoint answered ${response.status}, expected 200`);
  }
  const body = await jsonObject(response, 'the introspection answer');
  if (typeof body.active !== 'boolean') throw new IssuerUnavailableError('bad_response', 'the introspection answer has no boolean "active"');
  return body.active;
}
