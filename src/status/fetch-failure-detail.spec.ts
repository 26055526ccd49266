import { describe, expect, it } from '@jest/globals';
import { FetchError, type FetchFailureReason } from '../core/ports/fetcher.js';
import { statusFetchFailureDetail } from './fetch-failure-detail.js';

const REASONS: FetchFailureReason[] = [
  'url_invalid',
  'address_blocked',
  'dns_failed',
  'timeout',
  'too_large',
  'redirect_refused',
  'too_many_redirects',
  'http_status',
  'content_type',
  'network',
];

describe('statusFetchFailureDetail', () => {
  it.each(REASONS)("never shows the fetcher's message (addresses, library text) for %s", (reason) => {
    const detail = statusFetchFailureDetail(new FetchError(reason, 'connect ECONNREFUSED 10.0.0.5:6379 via undici', { cause: new Error('internal') }));
    expect(detail).not.toMatch(/10\.0\.0\.5|6379|ECONNREFUSED|undici|internal/);
    expect(detail.length).toBeGreaterThan(0);
  });

  it('gives every reason its own detail, and an HTTP status its number', () => {
    const details = REASONS.map((reason) => statusFetchFailureDetail(new FetchError(reason, 'x')));
    expect(new Set(details).size).toBe(REASONS.length);
    expect(statusFetchFailureDetail(new FetchError('http_status', 'x', { status: 503 }))).toMatch(/\b503\b/);
  });

  it('says nothing particular about an error that is not a FetchError', () => {
    expect(statusFetchFailureDetail(new Error('ECONNRESET 192.168.1.1'))).not.toMatch(/192\.168|ECONNRESET/);
  });
});
