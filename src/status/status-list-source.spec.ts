import { beforeEach, describe, expect, it } from '@jest/globals';
import { fixedClock } from '../core/clock.js';
import type { CachedEntry, SharedCache } from '../core/ports/shared-cache.js';
import { MemorySharedCache } from '../cache/memory-shared-cache.js';
import { FakeFetcher } from '../../test/support/status-lists.js';
import {
  DEFAULT_CACHE,
  HOUR,
  MAX_LIST_BYTES,
  NOW,
  checkRequest,
  dids,
  statusUrl,
  stranger,
  testBed,
  tokenList,
  w3cList,
  type TestBed,
} from './__fixtures__/status-test-bed.js';
import { BitstringStatusChecker } from './bitstring-status-list/bitstring-status-checker.js';
import { bitstringStatusEntry, tokenStatusReference } from './issuing/index.js';
import { FAILURE_CACHE_MS, StatusListSource, type StatusListCacheSettings } from './status-list-source.js';
import { TokenStatusListChecker } from './token-status-list/token-status-checker.js';

const LIST = statusUrl('lists/cached');
const SECOND = 1000;
const entry = (index: number): unknown => bitstringStatusEntry({ url: LIST, index, purpose: 'revocation' });

let bed: TestBed;
let checker: BitstringStatusChecker;

function setUp(settings: Partial<StatusListCacheSettings> = {}): void {
  bed = testBed(settings);
  checker = BitstringStatusChecker.bitstringStatusList(bed.source, dids, MAX_LIST_BYTES);
}

const stateAt = async (now: number, index = 3, allowStale = false): Promise<unknown> => checker.check(checkRequest(entry(index), { now, allowStale }));

beforeEach(() => setUp());

describe('status-list cache', () => {
  it('fetches a list once for 1,000 verifications within its ttl', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { set: [3] }));
    for (let i = 0; i < 1000; i++) {
      const outcome = await checker.check(checkRequest(entry(i % 2 === 0 ? 3 : 4), { now: NOW + i * 10 }));
      expect(outcome.state).toBe(i % 2 === 0 ? 'revoked' : 'valid');
    }
    expect(bed.fetcher.calls(LIST)).toBe(1);
  });

  it('shares one fetch among 100 concurrent verifications (single flight)', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { set: [3] }));
    bed.fetcher.hold();
    const pending = Array.from({ length: 100 }, () => checker.check(checkRequest(entry(3))));
    bed.fetcher.release();
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => o.state === 'revoked')).toBe(true);
    expect(bed.fetcher.calls(LIST)).toBe(1);
  });

  it("sees a flipped bit once the list's ttl has passed, not before", async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { ttlMs: 120 * SECOND }));
    await expect(stateAt(NOW)).resolves.toEqual({ state: 'valid' });
    bed.fetcher.publish(LIST, await w3cList(LIST, { ttlMs: 120 * SECOND, set: [3] }));
    await expect(stateAt(NOW + 119 * SECOND)).resolves.toEqual({ state: 'valid' });
    expect(bed.fetcher.calls(LIST)).toBe(1);
    await expect(stateAt(NOW + 121 * SECOND)).resolves.toMatchObject({ state: 'revoked' });
    expect(bed.fetcher.calls(LIST)).toBe(2);
  });

  it("caches at least KPARTY_STATUS_CACHE_MIN_TTL however short the list's ttl", async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { ttlMs: 1 }));
    await stateAt(NOW);
    await stateAt(NOW + 59 * SECOND);
    expect(bed.fetcher.calls(LIST)).toBe(1);
    await stateAt(NOW + 61 * SECOND);
    expect(bed.fetcher.calls(LIST)).toBe(2);
  });

  it('honours a short ttl when the minimum is 0', async () => {
    setUp({ minTtlSeconds: 0 });
    bed.fetcher.publish(LIST, await w3cList(LIST, { ttlMs: 1000 }));
    await stateAt(NOW);
    await stateAt(NOW + 999);
    expect(bed.fetcher.calls(LIST)).toBe(1);
    await stateAt(NOW + 1001);
    expect(bed.fetcher.calls(LIST)).toBe(2);
  });

  it("caches at most KPARTY_STATUS_CACHE_MAX_TTL however long the list's ttl", async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { ttlMs: 24 * HOUR }));
    await stateAt(NOW);
    await stateAt(NOW + HOUR - SECOND);
    expect(bed.fetcher.calls(LIST)).toBe(1);
    await stateAt(NOW + HOUR + SECOND);
    expect(bed.fetcher.calls(LIST)).toBe(2);
  });

  it('uses the W3C default ttl of 300 s when the list names none', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST));
    await stateAt(NOW);
    await stateAt(NOW + 299 * SECOND);
    expect(bed.fetcher.calls(LIST)).toBe(1);
    await stateAt(NOW + 301 * SECOND);
    expect(bed.fetcher.calls(LIST)).toBe(2);
  });

  it('never keeps a list past its validUntil: it is fetched again, and an expired copy is refused', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { ttlMs: 300 * SECOND, validUntil: new Date(NOW + 90 * SECOND) }));
    await expect(stateAt(NOW)).resolves.toEqual({ state: 'valid' });
    await expect(stateAt(NOW + 180 * SECOND)).resolves.toMatchObject({ state: 'invalid', reason: 'list_expired' });
    expect(bed.fetcher.calls(LIST)).toBe(2);
  });

  it('reads the Token Status List ttl in seconds, and sees a changed status after it', async () => {
    const uri = statusUrl('tokens/1');
    const tokens = new TokenStatusListChecker(bed.source, dids, MAX_LIST_BYTES);
    const at = (now: number): Promise<unknown> => tokens.check(checkRequest(tokenStatusReference(uri, 9), { now }));
    bed.fetcher.publish(uri, await tokenList(uri, { ttlSeconds: 100 }));
    await expect(at(NOW)).resolves.toEqual({ state: 'valid' });
    bed.fetcher.publish(uri, await tokenList(uri, { ttlSeconds: 100, set: [[9, 2]] }));
    await expect(at(NOW + 99 * SECOND)).resolves.toEqual({ state: 'valid' });
    await expect(at(NOW + 101 * SECOND)).resolves.toMatchObject({ state: 'suspended' });
  });
});

describe('stale lists', () => {
  beforeEach(async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { ttlMs: 120 * SECOND, set: [3] }));
    await stateAt(NOW);
    bed.fetcher.fail(LIST, 'network');
  });

  it('answer from the cached list past its freshness, within the grace, when the caller allows (policy optional)', async () => {
    await expect(stateAt(NOW + 300 * SECOND, 3, true)).resolves.toMatchObject({ state: 'revoked', stale: true });
    await expect(stateAt(NOW + 300 * SECOND, 4, true)).resolves.toEqual({ state: 'valid', stale: true });
  });

  it('are not used when the caller does not allow them (policy required)', async () => {
    await expect(stateAt(NOW + 300 * SECOND, 4, false)).resolves.toMatchObject({ state: 'unavailable', reason: 'fetch_failed' });
  });

  it('are not used beyond KPARTY_STATUS_STALE_GRACE', async () => {
    await expect(stateAt(NOW + (120 + 600 + 1) * SECOND, 4, true)).resolves.toMatchObject({ state: 'unavailable', reason: 'fetch_failed' });
  });

  it('are never used when the fetched list is bad (only when the host cannot be reached)', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { by: stranger }));
    await expect(stateAt(NOW + 300 * SECOND, 4, true)).resolves.toMatchObject({ state: 'invalid', reason: 'signer_untrusted' });
  });

  it("are not used past the list's own validUntil", async () => {
    setUp();
    bed.fetcher.publish(LIST, await w3cList(LIST, { ttlMs: 120 * SECOND, validUntil: new Date(NOW + 200 * SECOND) }));
    await stateAt(NOW);
    bed.fetcher.fail(LIST, 'network');
    await expect(stateAt(NOW + 150 * SECOND, 4, true)).resolves.toEqual({ state: 'valid', stale: true });
    await expect(stateAt(NOW + 300 * SECOND, 4, true)).resolves.toMatchObject({ state: 'unavailable', reason: 'fetch_failed' });
  });

  it('are not kept with a grace of 0', async () => {
    setUp({ staleGraceSeconds: 0 });
    bed.fetcher.publish(LIST, await w3cList(LIST, { ttlMs: 120 * SECOND }));
    await stateAt(NOW);
    bed.fetcher.fail(LIST, 'network');
    await expect(stateAt(NOW + 121 * SECOND, 4, true)).resolves.toMatchObject({ state: 'unavailable', reason: 'fetch_failed' });
  });
});

describe('failures', () => {
  it('are remembered briefly: a failing host is not asked again for FAILURE_CACHE_MS', async () => {
    bed.fetcher.fail(LIST, 'network');
    await expect(stateAt(NOW)).resolves.toMatchObject({ state: 'unavailable', reason: 'fetch_failed' });
    bed.fetcher.publish(LIST, await w3cList(LIST));
    await expect(stateAt(NOW + FAILURE_CACHE_MS - 1)).resolves.toMatchObject({ state: 'unavailable', reason: 'fetch_failed' });
    expect(bed.fetcher.calls(LIST)).toBe(1);
    await expect(stateAt(NOW + FAILURE_CACHE_MS + 1)).resolves.toEqual({ state: 'valid' });
    expect(bed.fetcher.calls(LIST)).toBe(2);
  });

  it('of an expired list are remembered too: it is not fetched again on every verification', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { validFrom: new Date(NOW - 48 * HOUR), validUntil: new Date(NOW - 24 * HOUR) }));
    await expect(stateAt(NOW)).resolves.toMatchObject({ state: 'invalid', reason: 'list_expired' });
    await expect(stateAt(NOW + 1000)).resolves.toMatchObject({ state: 'invalid', reason: 'list_expired' });
    expect(bed.fetcher.calls(LIST)).toBe(1);
  });

  it('of a bad list are remembered too, so a hostile list is not fetched and inflated on every verification', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { by: stranger }));
    await stateAt(NOW);
    await stateAt(NOW + 1000);
    expect(bed.fetcher.calls(LIST)).toBe(1);
  });
});

describe('shared cache (replicas)', () => {
  it('lets a second process use the list the first one fetched', async () => {
    const clock = fixedClock(NOW);
    const shared = new MemorySharedCache({ clock });
    const fetcher = new FakeFetcher().publish(LIST, await w3cList(LIST, { set: [3] }));
    const replica = (): BitstringStatusChecker =>
      BitstringStatusChecker.bitstringStatusList(new StatusListSource(fetcher, DEFAULT_CACHE, shared), dids, MAX_LIST_BYTES);
    const [first, second] = [replica(), replica()];
    await expect(first.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'revoked' });
    await expect(second.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'revoked' });
    expect(fetcher.calls(LIST)).toBe(1);
    expect((await shared.get(`status:${LIST}`))?.value).toEqual(expect.stringMatching(/^ey/));
  });

  it('verifies what it reads from the shared cache: a tampered entry is not trusted', async () => {
    const tampered = (await w3cList(LIST, { by: stranger })).toString();
    const poisoned: SharedCache = {
      get: async (): Promise<CachedEntry> => ({ value: tampered, freshUntil: NOW + HOUR, staleUntil: NOW + HOUR }),
      set: async () => undefined,
      delete: async () => undefined,
    };
    const fetcher = new FakeFetcher().publish(LIST, await w3cList(LIST, { set: [3] }));
    const replica = BitstringStatusChecker.bitstringStatusList(new StatusListSource(fetcher, DEFAULT_CACHE, poisoned), dids, MAX_LIST_BYTES);
    await expect(replica.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'signer_untrusted' });
  });

  it('falls back to fetching when the shared cache fails', async () => {
    const broken: SharedCache = {
      get: async () => Promise.reject(new Error('redis down')),
      set: async () => Promise.reject(new Error('redis down')),
      delete: async () => undefined,
    };
    const fetcher = new FakeFetcher().publish(LIST, await w3cList(LIST, { set: [3] }));
    const replica = BitstringStatusChecker.bitstringStatusList(new StatusListSource(fetcher, DEFAULT_CACHE, broken), dids, MAX_LIST_BYTES);
    await expect(replica.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'revoked' });
    await expect(replica.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'revoked' });
    expect(fetcher.calls(LIST)).toBe(1);
  });
});
