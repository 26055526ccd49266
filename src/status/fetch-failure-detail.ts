import { describeFetchFailure } from '../net/fetch-failure-detail.js';

/** `the status list could not be fetched: <why>` (see docs/errors.md). */
export function statusFetchFailureDetail(error: unknown): string {
  const why = describeFetchFailure(error, 'status list');
  return why === 'the status list could not be fetched' ? why : `the status list could not be fetched: ${why}`;
}
