import { describe, expect, it } from '@jest/globals';
import { fixedClock } from '../core/clock.js';
import type { CachedEntry } from '../core/ports/shared-cache.js';
import { MemorySharedCache, entrySize } from './memory-shared-cache.js';
// The SharedCache contract runs against this adapter from src/storage/contract.spec.ts.

const T0 = Date.UTC(2026, 0, 1);
const lasting = (value: string): CachedEntry => ({ value, freshUntil: T0 + 60_000, staleUntil: T0 + 120_000 });

describe('MemorySharedCache bounds', () => {
  it('keeps at most maxEntries, evicting the least recently used', async () => {
    const cache = new MemorySharedCache({ maxEntries: 3, clock: fixedClock(T0) });
    for (const k of ['a', 'b', 'c']) await cache.set(k, lasting(k));
    await cache.get('a'); // a is now the most recently used; b the least
    await cache.set('d', lasting('d'));
    expect(cache.size).toBe(3);
    expect(await cache.get('b')).toBeNull();
    for (const k of ['a', 'c', 'd']) expect((await cache.get(k))?.value).toBe(k);
  });

  it('keeps at most maxBytes, evicting the least recently used until the new entry fits', async () => {
    const one = entrySize('k0', lasting('x'.repeat(1000)));
    const cache = new MemorySharedCache({ maxEntries: 1000, maxBytes: one * 3, clock: fixedClock(T0) });
    for (let i = 0; i < 10; i++) {
      await cache.set(`k${i}`, lasting('x'.repeat(1000)));
      expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
    }
    expect(cache.size).toBe(3);
    expect(await cache.get('k6')).toBeNull();
    expect(await cache.get('k9')).not.toBeNull();
  });

  it('does not keep an entry larger than the whole byte budget, and drops what that key held', async () => {
    const cache = new MemorySharedCache({ maxBytes: 10_000, clock: fixedClock(T0) });
    await cache.set('big', lasting('small'));
    await cache.set('big', lasting('x'.repeat(10_000)));
    expect(await cache.get('big')).toBeNull();
    expect({ size: cache.size, bytes: cache.bytes }).toEqual({ size: 0, bytes: 0 });
  });

  it('stays bounded under 100,000 attacker-chosen keys', async () => {
    const cache = new MemorySharedCache({ maxEntries: 500, maxBytes: 64 * 1024, clock: fixedClock(T0) });
    for (let i = 0; i < 100_000; i++) await cache.set(`did:web:attacker-${i}.example`, lasting(`{"id":"${i}"}`));
    expect(cache.size).toBeLessThanOrEqual(500);
    expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    expect((await cache.get('did:web:attacker-99999.example'))?.value).toBe('{"id":"99999"}');
  });

  it('expires by its clock at staleUntil, freeing the bytes', async () => {
    const clock = fixedClock(T0);
    const cache = new MemorySharedCache({ clock });
    await cache.set('doc', lasting('v'));
    clock.set(T0 + 119_999);
    expect((await cache.get('doc'))?.value).toBe('v');
    clock.set(T0 + 120_000);
    expect(await cache.get('doc')).toBeNull();
    expect({ size: cache.size, bytes: cache.bytes }).toEqual({ size: 0, bytes: 0 });
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('refuses a bound of %p', (bound) => {
    expect(() => new MemorySharedCache({ maxEntries: bound })).toThrow(RangeError);
    expect(() => new MemorySharedCache({ maxBytes: bound })).toThrow(RangeError);
  });
});
