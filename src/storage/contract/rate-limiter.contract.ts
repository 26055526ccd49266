import { describe, expect, it } from '@jest/globals';
import type { RateLimiter } from '../../core/ports/rate-limiter.js';
import type { Storage } from '../../core/ports/storage.js';
import { T0 } from './fixtures.js';

const MINUTE = 60_000;

export function describeRateLimiterContract(current: () => Storage): void {
  describe('rate-limit counters (RateLimiter)', () => {
    const limiter = (): RateLimiter => {
      const found = current().rateLimiter;
      if (!found) throw new Error('this storage has no rateLimiter, but the contract list says it does');
      return found;
    };

    it('allows `limit` hits in a window, counting down, then refuses with 0 remaining', async () => {
      const decisions = [];
      for (let i = 0; i < 4; i += 1) decisions.push(await limiter().hit('client:a', 3, MINUTE, T0 + 1000));
      expect(decisions).toStrictEqual([
        { allowed: true, remaining: 2, retryAfterSeconds: 59 },
        { allowed: true, remaining: 1, retryAfterSeconds: 59 },
        { allowed: true, remaining: 0, retryAfterSeconds: 59 },
        { allowed: false, remaining: 0, retryAfterSeconds: 59 },
      ]);
    });

    it('windows are fixed (counted from the epoch): retryAfterSeconds is the rest of the window, rounded up, at least 1', async () => {
      await expect(limiter().hit('client:w', 10, MINUTE, T0)).resolves.toMatchObject({ retryAfterSeconds: 60 });
      await expect(limiter().hit('client:w', 10, MINUTE, T0 + 59_001)).resolves.toMatchObject({ retryAfterSeconds: 1, remaining: 8 });
      await expect(limiter().hit('client:w', 10, MINUTE, T0 + 59_999)).resolves.toMatchObject({ retryAfterSeconds: 1, remaining: 7 });
    });

    it('a new window starts a new count', async () => {
      for (let i = 0; i < 3; i += 1) await limiter().hit('client:b', 2, MINUTE, T0 + 10_000);
      await expect(limiter().hit('client:b', 2, MINUTE, T0 + 59_999)).resolves.toMatchObject({ allowed: false });
      await expect(limiter().hit('client:b', 2, MINUTE, T0 + MINUTE)).resolves.toStrictEqual({ allowed: true, remaining: 1, retryAfterSeconds: 60 });
    });

    it('keys count apart, whatever characters they hold', async () => {
      const keys = ['client:ip:192.0.2.1', 'client:ip6:2001:db8:0:0', 'policy:employee-portal', 'policy:ünïcødé {x} *'];
      for (const key of keys) await limiter().hit(key, 1, MINUTE, T0);
      for (const key of keys) await expect(limiter().hit(key, 1, MINUTE, T0)).resolves.toMatchObject({ allowed: false });
      await expect(limiter().hit('client:ip:192.0.2.2', 1, MINUTE, T0)).resolves.toMatchObject({ allowed: true });
    });

    it('of concurrent hits exactly `limit` are allowed', async () => {
      const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter().hit('client:race', 7, MINUTE, T0 + 5000)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
      expect(
        decisions
          .map((d) => d.remaining)
          .sort((a, b) => b - a)
          .slice(0, 7),
      ).toStrictEqual([6, 5, 4, 3, 2, 1, 0]);
    });

    it('windows of other lengths work the same', async () => {
      await expect(limiter().hit('client:s', 1, 1000, T0 + 200)).resolves.toStrictEqual({ allowed: true, remaining: 0, retryAfterSeconds: 1 });
      await expect(limiter().hit('client:s', 1, 1000, T0 + 999)).resolves.toMatchObject({ allowed: false });
      await expect(limiter().hit('client:s', 1, 1000, T0 + 1000)).resolves.toMatchObject({ allowed: true });
    });
  });
}
