import { FetchError, type Fetcher } from '../core/ports/fetcher.js';

/** The Fetcher `inner`, reporting the reason of every failed fetch (the metric kparty_outbound_fetch_failures_total). */
export function countingFetcher(inner: Fetcher, onFailure: (reason: string) => void): Fetcher {
  return {
    fetch: async (request) => {
      try {
        return await inner.fetch(request);
      } catch (error) {
        onFailure(error instanceof FetchError ? error.reason : 'network');
        throw error;
      }
    },
  };
}
