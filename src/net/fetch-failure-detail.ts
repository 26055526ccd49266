import { FetchError, type FetchFailureReason } from '../core/ports/fetcher.js';

/** Why a fetch failed, in a few words, for a document named `what` (e.g. "DID document", "status list"). */
const DETAILS: Record<FetchFailureReason, (what: string) => string> = {
  url_invalid: (what) => `the ${what} URL is not fetched`,
  address_blocked: () => 'address refused',
  dns_failed: () => 'the host name does not resolve',
  timeout: () => 'timed out',
  too_large: (what) => `the ${what} is too large`,
  redirect_refused: () => 'redirect refused',
  too_many_redirects: () => 'too many redirects',
  http_status: () => 'the host answered with an error status',
  content_type: (what) => `the response is not a ${what} media type`,
  network: () => 'the host could not be reached',
};

/**
 * What a presenter is told when a document could not be fetched: why, in a
 * few words — never the library message, the address tried or anything else
 * about kparty's network (docs/security.md, "errors without internals").
 */
export function describeFetchFailure(error: unknown, what: string): string {
  if (!(error instanceof FetchError)) return `the ${what} could not be fetched`;
  if (error.reason === 'http_status' && error.status !== undefined) return `the host answered HTTP ${error.status}`;
  return DETAILS[error.reason](what);
}
