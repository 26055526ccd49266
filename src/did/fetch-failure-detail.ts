import { describeFetchFailure } from '../net/fetch-failure-detail.js';

/** A short detail for a failed fetch of a DID document (see docs/errors.md). */
export function fetchFailureDetail(error: unknown): string {
  return describeFetchFailure(error, 'DID document');
}
