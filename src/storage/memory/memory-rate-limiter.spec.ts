import { describe, expect, it } from '@jest/globals';
import { MemoryRateLimiter } from './memory-rate-limiter.js';

const T0 = Date.UTC(2025, 0, 1);

describe('MemoryRateLimiter bounds', () => {
  it('never holds more than maxKeys counters, dropping past windows first, then the oldest', async () => {
    const limiter = new MemoryRateLimiter(3);
    await limiter.hit('a', 5, 60_000, T0);
    await limiter.hit('b', 5, 60_000, T0 + 61_000);
    await limiter.hit('c', 5, 60_000, T0 + 61_000);
    // 'a' is in a past window: swept to make room for 'd'.
    await limiter.hit('d', 5, 60_000, T0 + 62_000);
    expect(limiter.size).toBe(3);
    await limiter.hit('b', 5, 60_000, T0 + 62_000);
    // Every counter is current and the sweep ran within the last second: the oldest ('b') makes room.
    await limiter.hit('e', 5, 60_000, T0 + 62_100);
    expect(limiter.size).toBe(3);
    await expect(limiter.hit('b', 5, 60_000, T0 + 62_200)).resolves.toMatchObject({ remaining: 4 });
    await expect(limiter.hit('e', 5, 60_000, T0 + 62_200)).resolves.toMatchObject({ remaining: 3 });
  });

  it('a flood of distinct keys stays within the bound', async () => {
    const limiter = new MemoryRateLimiter(1000);
    for (let i = 0; i < 20_000; i += 1) await limiter.hit(`client:ip:10.0.${i >> 8}.${i & 255}`, 5, 60_000, T0 + i);
    expect(limiter.size).toBeLessThanOrEqual(1000);
  });
});
