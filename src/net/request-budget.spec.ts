/**
 * Issue 11 finding 3: the work of one request as a whole is bounded.
 *
 * Regression: on the commit before, 32 status lists each inflating to 2 MiB in
 * one verification all inflated (64 MiB held at once by one request); there
 * was no per-request or process-wide inflation budget and no fetch cap.
 */
import { describe, expect, it } from '@jest/globals';
import { DidResolver } from '../did/did-resolver.js';
import type { DidMethodResolver } from '../did/did-method-resolver.js';
import { checkRequest, dids, MAX_LIST_BYTES, testBed, tokenList } from '../status/__fixtures__/status-test-bed.js';
import { tokenStatusReference } from '../status/issuing/index.js';
import { TokenStatusListChecker } from '../status/token-status-list/token-status-checker.js';
import { InflationPool, RequestBudget } from './request-budget.js';

const MiB = 1024 * 1024;

describe('RequestBudget', () => {
  it('counts distinct fetch targets: a repeat is free, a new one beyond the limit is refused', () => {
    const budget = new RequestBudget({ maxFetches: 2, maxInflatedBytes: MiB }, new InflationPool(MiB));
    expect(budget.claimFetch('https://a.example/list')).toBeUndefined();
    expect(budget.claimFetch('https://a.example/list')).toBeUndefined();
    expect(budget.claimFetch('did:web:b.example')).toBeUndefined();
    expect(budget.claimFetch('https://c.example/list')).toBe('request_fetches');
    expect(budget.fetches).toBe(2);
  });

  it('bounds inflated bytes per request and across requests, and gives the pool back on release', () => {
    const pool = new InflationPool(3 * MiB);
    const first = new RequestBudget({ maxFetches: 10, maxInflatedBytes: 2 * MiB }, pool);
    const second = new RequestBudget({ maxFetches: 10, maxInflatedBytes: 2 * MiB }, pool);
    expect(first.claimInflation(2 * MiB)).toBeUndefined();
    expect(first.claimInflation(1)).toBe('request_inflation');
    expect(second.claimInflation(MiB)).toBeUndefined();
    expect(second.claimInflation(1)).toBe('process_inflation');
    expect(pool.inUse).toBe(3 * MiB);
    first.release();
    first.release();
    expect(pool.inUse).toBe(MiB);
    expect(second.claimInflation(MiB)).toBeUndefined();
    expect(first.claimInflation(1)).toBe('request_inflation');
    expect(first.claimFetch('https://late.example')).toBe('request_fetches');
  });
});

describe('status lists draw on the request budget', () => {
  it('32 lists of 2 MiB each: inflation stops at the request budget, the rest are unavailable (over_budget), the pool is bounded', async () => {
    const bed = testBed();
    const checker = new TokenStatusListChecker(bed.source, dids, MAX_LIST_BYTES);
    const urls = Array.from({ length: 32 }, (_, i) => `https://status.example/big-${i}`);
    for (const url of urls) bed.fetcher.publish(url, await tokenList(url, { bits: 8, entries: 2 * MiB }), 'application/statuslist+jwt');
    const pool = new InflationPool(64 * MiB);
    const budget = new RequestBudget({ maxFetches: 64, maxInflatedBytes: 8 * MiB }, pool);
    const outcomes = await Promise.all(urls.map((url) => checker.check(checkRequest(tokenStatusReference(url, 1), { budget }))));
    const valid = outcomes.filter((o) => o.state === 'valid').length;
    const refused = outcomes.filter((o) => o.state === 'unavailable' && o.reason === 'over_budget').length;
    expect(valid).toBeLessThanOrEqual(4);
    expect(valid + refused).toBe(32);
    expect(budget.inflatedBytes).toBeLessThanOrEqual(8 * MiB);
    expect(pool.inUse).toBeLessThanOrEqual(8 * MiB);
    budget.release();
    expect(pool.inUse).toBe(0);
  });

  it('a full process pool refuses inflation for every request until it is given back', async () => {
    const bed = testBed();
    const checker = new TokenStatusListChecker(bed.source, dids, MAX_LIST_BYTES);
    const url = 'https://status.example/one';
    bed.fetcher.publish(url, await tokenList(url, { bits: 8, entries: MiB }), 'application/statuslist+jwt');
    const pool = new InflationPool(MiB / 2);
    const outcome = await checker.check(
      checkRequest(tokenStatusReference(url, 1), { budget: new RequestBudget({ maxFetches: 4, maxInflatedBytes: 4 * MiB }, pool) }),
    );
    expect(outcome).toMatchObject({ state: 'unavailable', reason: 'over_budget' });
    // Not remembered as the list's failure: a request with budget left fetches and uses it.
    const roomy = new RequestBudget({ maxFetches: 4, maxInflatedBytes: 4 * MiB }, new InflationPool(4 * MiB));
    await expect(checker.check(checkRequest(tokenStatusReference(url, 1), { budget: roomy }))).resolves.toMatchObject({ state: 'valid' });
  });

  it('caps distinct list fetches per request', async () => {
    const bed = testBed();
    const checker = new TokenStatusListChecker(bed.source, dids, MAX_LIST_BYTES);
    const urls = Array.from({ length: 5 }, (_, i) => `https://status.example/small-${i}`);
    for (const url of urls) bed.fetcher.publish(url, await tokenList(url), 'application/statuslist+jwt');
    const budget = new RequestBudget({ maxFetches: 3, maxInflatedBytes: 16 * MiB }, new InflationPool(16 * MiB));
    const outcomes = [];
    for (const url of urls) outcomes.push(await checker.check(checkRequest(tokenStatusReference(url, 1), { budget })));
    expect(outcomes.map((o) => o.state)).toEqual(['valid', 'valid', 'valid', 'unavailable', 'unavailable']);
    expect(urls.map((url) => bed.fetcher.calls(url))).toEqual([1, 1, 1, 0, 0]);
  });
});

describe('network DIDs draw on the fetch budget', () => {
  it('refuses a network DID beyond KPARTY_REQUEST_MAX_FETCHES without resolving it, and never counts did:key', async () => {
    let resolved = 0;
    const web: DidMethodResolver = {
      method: 'web',
      network: true,
      resolve: async (did) => {
        resolved += 1;
        return { id: did } as never;
      },
    };
    const resolver = new DidResolver([web]);
    const budget = new RequestBudget({ maxFetches: 1, maxInflatedBytes: MiB }, new InflationPool(MiB));
    await expect(resolver.resolve('did:web:a.example', { budget })).resolves.toMatchObject({ ok: true });
    await expect(resolver.resolve('did:web:a.example', { budget })).resolves.toMatchObject({ ok: true });
    await expect(resolver.resolve('did:web:b.example', { budget })).resolves.toMatchObject({ ok: false, code: 'did.unresolvable' });
    expect(resolved).toBe(2);
    const local = new RequestBudget({ maxFetches: 1, maxInflatedBytes: MiB }, new InflationPool(MiB));
    await dids.resolve('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', { budget: local });
    expect(local.fetches).toBe(0);
  });
});
