import { describe, expect, it } from '@jest/globals';
import { FetchError, type Fetcher } from '../core/ports/fetcher.js';
import { countingFetcher } from './counting-fetcher.js';
import { KpartyMetrics } from './metrics.js';

describe('countingFetcher', () => {
  it('counts failed fetches by reason in kparty_outbound_fetch_failures_total, passes answers and errors through', async () => {
    const metrics = new KpartyMetrics();
    const answers: Array<Error | null> = [new FetchError('address_blocked', 'blocked'), new FetchError('timeout', 'slow'), new TypeError('odd'), null];
    const inner: Fetcher = {
      fetch: async (request) => {
        const next = answers.shift();
        if (next) throw next;
        return { url: request.url, status: 200, headers: {}, body: new Uint8Array() };
      },
    };
    const fetcher = countingFetcher(inner, (reason) => metrics.observeFetchFailure(reason));
    await expect(fetcher.fetch({ url: 'https://a.example', accept: [] })).rejects.toMatchObject({ reason: 'address_blocked' });
    await expect(fetcher.fetch({ url: 'https://a.example', accept: [] })).rejects.toMatchObject({ reason: 'timeout' });
    await expect(fetcher.fetch({ url: 'https://a.example', accept: [] })).rejects.toBeInstanceOf(TypeError);
    await expect(fetcher.fetch({ url: 'https://a.example', accept: [] })).resolves.toMatchObject({ status: 200 });
    const { body } = await metrics.scrape();
    expect(body).toContain('kparty_outbound_fetch_failures_total{reason="address_blocked"} 1');
    expect(body).toContain('kparty_outbound_fetch_failures_total{reason="timeout"} 1');
    expect(body).toContain('kparty_outbound_fetch_failures_total{reason="network"} 1');
  });
});
