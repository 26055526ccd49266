import { expect } from '@jest/globals';
import { FetchError, type FetchFailureReason } from '../../src/core/ports/fetcher.js';

/** Awaits a fetch that must fail, asserts its stable reason, and returns the error. */
export async function expectFetchFailure(fetching: Promise<unknown>, reason: FetchFailureReason): Promise<FetchError> {
  let failure: unknown;
  try {
    await fetching;
  } catch (error) {
    failure = error;
  }
  expect(failure).toBeInstanceOf(FetchError);
  expect((failure as FetchError).reason).toBe(reason);
  return failure as FetchError;
}
