import { describe, expect, it } from '@jest/globals';
import { FetchError } from '../core/ports/fetcher.js';
import { GuardedFetcher } from './guarded-fetcher.js';
import { boundedHostResolver, ResolverBusyError, type HostResolver, type ResolvedAddress } from './pinned-address.js';

/** A resolver whose lookups the test answers by hand, recording which names were asked. */
function manualResolver() {
  const pending = new Map<string, (addresses: ResolvedAddress[]) => void>();
  const asked: string[] = [];
  const resolve: HostResolver = (hostname) =>
    new Promise((answer) => {
      asked.push(hostname);
      pending.set(hostname, answer);
    });
  const answer = (hostname: string) => pending.get(hostname)?.([{ address: '203.0.113.7', family: 4 }]);
  return { resolve, asked, answer };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('boundedHostResolver (KPARTY_DNS_MAX_CONCURRENT, KPARTY_DNS_MAX_QUEUED)', () => {
  it('runs at most maxConcurrent lookups; the next starts when one ends', async () => {
    const manual = manualResolver();
    const resolve = boundedHostResolver(manual.resolve, { maxConcurrent: 2, maxQueued: 10 });
    const lookups = ['a.example', 'b.example', 'c.example'].map((name) => resolve(name));
    await tick();
    expect(manual.asked).toEqual(['a.example', 'b.example']);
    manual.answer('a.example');
    await expect(lookups[0]).resolves.toEqual([{ address: '203.0.113.7', family: 4 }]);
    await tick();
    expect(manual.asked).toEqual(['a.example', 'b.example', 'c.example']);
    manual.answer('b.example');
    manual.answer('c.example');
    await expect(Promise.all(lookups)).resolves.toHaveLength(3);
  });

  it('a finished lookup hands its place to the first waiter: a newcomer in between waits', async () => {
    const manual = manualResolver();
    const resolve = boundedHostResolver(manual.resolve, { maxConcurrent: 1, maxQueued: 10 });
    const first = resolve('first.example');
    const waiter = resolve('waiter.example');
    await tick();
    manual.answer('first.example');
    await first;
    const newcomer = resolve('newcomer.example');
    await tick();
    expect(manual.asked).toEqual(['first.example', 'waiter.example']);
    manual.answer('waiter.example');
    await waiter;
    await tick();
    expect(manual.asked).toEqual(['first.example', 'waiter.example', 'newcomer.example']);
    manual.answer('newcomer.example');
    await expect(newcomer).resolves.toHaveLength(1);
  });

  it('refuses at once beyond maxQueued waiting lookups', async () => {
    const manual = manualResolver();
    const resolve = boundedHostResolver(manual.resolve, { maxConcurrent: 1, maxQueued: 1 });
    void resolve('slow.example');
    const queued = resolve('queued.example');
    await expect(resolve('third.example')).rejects.toBeInstanceOf(ResolverBusyError);
    manual.answer('slow.example');
    await tick();
    manual.answer('queued.example');
    await expect(queued).resolves.toHaveLength(1);
  });

  it('a waiting lookup whose fetch gave up leaves the queue and never runs', async () => {
    const manual = manualResolver();
    const resolve = boundedHostResolver(manual.resolve, { maxConcurrent: 1, maxQueued: 4 });
    void resolve('slow.example');
    const giveUp = new AbortController();
    const abandoned = resolve('abandoned.example', giveUp.signal);
    const kept = resolve('kept.example');
    giveUp.abort(new Error('deadline'));
    await expect(abandoned).rejects.toThrow('deadline');
    manual.answer('slow.example');
    await tick();
    expect(manual.asked).toEqual(['slow.example', 'kept.example']);
    manual.answer('kept.example');
    await expect(kept).resolves.toHaveLength(1);
  });

  it('a lookup that fails frees its place', async () => {
    let calls = 0;
    const resolve = boundedHostResolver(
      async () => {
        calls += 1;
        throw new Error('ENOTFOUND');
      },
      { maxConcurrent: 1, maxQueued: 0 },
    );
    await expect(resolve('a.example')).rejects.toThrow('ENOTFOUND');
    await expect(resolve('b.example')).rejects.toThrow('ENOTFOUND');
    expect(calls).toBe(2);
  });

  it('through the guarded fetcher: names a name server never answers hold at most maxConcurrent lookups; the rest fail as dns_failed within the deadline', async () => {
    const never: HostResolver = () => new Promise<ResolvedAddress[]>(() => undefined);
    let started = 0;
    const counting: HostResolver = (hostname, signal) => {
      started += 1;
      return never(hostname, signal);
    };
    const fetcher = new GuardedFetcher({
      allow: new Set(),
      timeoutMs: 200,
      maxBytes: 1024,
      resolveHost: boundedHostResolver(counting, { maxConcurrent: 2, maxQueued: 2 }),
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => fetcher.fetch({ url: `https://tarpit-${i}.example/did.json`, accept: ['application/json'] })),
    );
    // Two lookups started (the pool threads they would hold); two waited and left at the deadline; two were refused at once.
    expect(started).toBe(2);
    const reasons = outcomes.map((outcome) => (outcome.status === 'rejected' && outcome.reason instanceof FetchError ? outcome.reason.reason : outcome.status));
    expect(reasons.filter((reason) => reason === 'timeout')).toHaveLength(4);
    expect(reasons.filter((reason) => reason === 'dns_failed')).toHaveLength(2);
  });
});
