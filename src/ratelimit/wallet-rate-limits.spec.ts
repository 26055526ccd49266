import { describe, expect, it } from '@jest/globals';
import { fixedClock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import type { RateLimiter } from '../core/ports/rate-limiter.js';
import { MemoryRateLimiter } from '../storage/memory/memory-rate-limiter.js';
import { WalletRateLimits } from './wallet-rate-limits.js';

const T0 = Date.UTC(2025, 0, 1);

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('WalletRateLimits', () => {
  it('allows KPARTY_RATE_LIMIT requests per client per minute, then 429 rate_limited with Retry-After', async () => {
    const clock = fixedClock(T0 + 15_000);
    const limits = new WalletRateLimits(new MemoryRateLimiter(), { perAddressPerMinute: 3, perPolicyPerMinute: 0 }, clock);
    for (let i = 0; i < 3; i += 1) await limits.countClient('192.0.2.1');
    const refused = await failureOf(limits.countClient('192.0.2.1'));
    expect(refused).toBeInstanceOf(KpartyError);
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 45 });
    // Another client has its own budget; the next minute starts afresh.
    await expect(limits.countClient('192.0.2.2')).resolves.toBeUndefined();
    clock.set(T0 + 60_000);
    await expect(limits.countClient('192.0.2.1')).resolves.toBeUndefined();
  });

  it('counts IPv4-mapped and plain IPv4 as one client, and a whole IPv6 /64 as one', async () => {
    const limits = new WalletRateLimits(new MemoryRateLimiter(), { perAddressPerMinute: 2, perPolicyPerMinute: 0 }, fixedClock(T0));
    await limits.countClient('192.0.2.9');
    await limits.countClient('::ffff:192.0.2.9');
    await expect(failureOf(limits.countClient('192.0.2.9'))).resolves.toMatchObject({ code: 'rate_limited' });
    await limits.countClient('2001:db8:5:6::1');
    await limits.countClient('2001:db8:5:6::2');
    await expect(failureOf(limits.countClient('2001:db8:5:6:ffff::3'))).resolves.toMatchObject({ code: 'rate_limited' });
  });

  it('limits each policy across all clients when KPARTY_RATE_LIMIT_PER_POLICY is set', async () => {
    const limits = new WalletRateLimits(new MemoryRateLimiter(), { perAddressPerMinute: 0, perPolicyPerMinute: 2 }, fixedClock(T0));
    await limits.countPolicy('employee-portal');
    await limits.countPolicy('employee-portal');
    await expect(failureOf(limits.countPolicy('employee-portal'))).resolves.toMatchObject({ code: 'rate_limited', retryAfter: 60 });
    await expect(limits.countPolicy('newsletter')).resolves.toBeUndefined();
  });

  it('0 turns a limit off: nothing is counted', async () => {
    let hits = 0;
    const counting: RateLimiter = {
      hit: async () => {
        hits += 1;
        return { allowed: false, remaining: 0, retryAfterSeconds: 1 };
      },
    };
    const limits = new WalletRateLimits(counting, { perAddressPerMinute: 0, perPolicyPerMinute: 0 }, fixedClock(T0));
    expect(limits.enabled).toBe(false);
    await limits.countClient('192.0.2.1');
    await limits.countPolicy('p');
    expect(hits).toBe(0);
  });

  it('fails closed: when the counters cannot be reached the check rejects (the request is not served)', async () => {
    const down = new KpartyError('service.unavailable', 'storage failed in rateLimiter.hit', { retryAfter: 5 });
    const limits = new WalletRateLimits({ hit: async () => Promise.reject(down) }, { perAddressPerMinute: 10, perPolicyPerMinute: 10 }, fixedClock(T0));
    await expect(limits.countClient('192.0.2.1')).rejects.toBe(down);
    await expect(limits.countPolicy('p')).rejects.toBe(down);
  });

  it('does not count policy ids that cannot be ids (empty, or longer than 128)', async () => {
    let hits = 0;
    const counting: RateLimiter = {
      hit: async () => {
        hits += 1;
        return { allowed: true, remaining: 1, retryAfterSeconds: 1 };
      },
    };
    const limits = new WalletRateLimits(counting, { perAddressPerMinute: 0, perPolicyPerMinute: 5 }, fixedClock(T0));
    await limits.countPolicy('');
    await limits.countPolicy('x'.repeat(129));
    expect(hits).toBe(0);
    await limits.countPolicy('x'.repeat(128));
    expect(hits).toBe(1);
  });
});
