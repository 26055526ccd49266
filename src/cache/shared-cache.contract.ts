import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { CachedEntry, SharedCache } from '../core/ports/shared-cache.js';

export interface SharedCacheUnderTest {
  cache: SharedCache;
  /** Releases connections; optional. */
  close?(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));

/**
 * The behaviour every {@link SharedCache} adapter must have, as jest tests
 * (docs/architecture.md "House rules" 7: one suite, run unchanged against every adapter). Call
 * it at the top level of a spec file once per adapter; `open` returns a
 * cache on the real backing store (memory, Redis), using the system clock.
 *
 * Keys are prefixed with a random id per test, so adapters over a shared
 * store (one Redis database) can run it without clearing anything.
 * Time-dependent cases use short real lifetimes (hundreds of milliseconds)
 * and assert only what must hold after generous margins.
 */
export function describeSharedCacheContract(name: string, open: () => Promise<SharedCacheUnderTest> | SharedCacheUnderTest): void {
  describe(`${name} SharedCache contract`, () => {
    let under: SharedCacheUnderTest | undefined;
    let prefix = '';
    const cache = (): SharedCache => {
      if (!under) throw new Error('cache is not open');
      return under.cache;
    };
    const key = (suffix: string): string => `${prefix}${suffix}`;
    const entry = (value: string, fromNow: { fresh?: number; stale?: number } = {}): CachedEntry => {
      const now = Date.now();
      return { value, freshUntil: now + (fromNow.fresh ?? 60_000), staleUntil: now + (fromNow.stale ?? 120_000) };
    };

    beforeEach(async () => {
      under = await open();
      prefix = `contract:${randomUUID()}:`;
    });
    afterEach(async () => {
      await under?.close?.();
      under = undefined;
    });

    it('answers null for a key never set', async () => {
      expect(await cache().get(key('absent'))).toBeNull();
    });

    it('returns what was set: value and both lifetimes exactly, not negative', async () => {
      const stored = entry('{"id":"did:web:example.com"}');
      await cache().set(key('doc'), stored);
      const read = await cache().get(key('doc'));
      expect(read).toEqual({ value: stored.value, freshUntil: stored.freshUntil, staleUntil: stored.staleUntil });
      expect(read?.negative ?? false).toBe(false);
    });

    it('keeps the negative flag', async () => {
      await cache().set(key('failed'), { ...entry('address refused'), negative: true });
      expect(await cache().get(key('failed'))).toMatchObject({ value: 'address refused', negative: true });
    });

    it('replaces an entry set again', async () => {
      await cache().set(key('doc'), { ...entry('old'), negative: true });
      const replacement = entry('new');
      await cache().set(key('doc'), replacement);
      const read = await cache().get(key('doc'));
      expect(read).toMatchObject({ value: 'new', freshUntil: replacement.freshUntil, staleUntil: replacement.staleUntil });
      expect(read?.negative ?? false).toBe(false);
    });

    it('deletes an entry; deleting an absent key is harmless', async () => {
      await cache().set(key('doc'), entry('v'));
      await cache().delete(key('doc'));
      expect(await cache().get(key('doc'))).toBeNull();
      await expect(cache().delete(key('never'))).resolves.toBeUndefined();
    });

    it('treats keys byte-exact: case, percent-encoding and fragments make different keys', async () => {
      const keys = ['did:web:example.com', 'did:web:Example.com', 'did:web:example.com%3A443', 'did:web:example.com#key-1'];
      for (const [i, k] of keys.entries()) await cache().set(key(k), entry(`value ${i}`));
      for (const [i, k] of keys.entries()) expect((await cache().get(key(k)))?.value).toBe(`value ${i}`);
    });

    it('stores keys and values with any characters, long ones too', async () => {
      const oddKey = key(`ünï:cødé/${'x'.repeat(8192)}?#%00 \n`);
      const value = `{"name":"Zoë \\"quoted\\" ☃ 𝄞","nul":"\u0000"}${'y'.repeat(256 * 1024)}`;
      await cache().set(oddKey, entry(value));
      expect((await cache().get(oddKey))?.value).toBe(value);
      await cache().set(key('empty'), entry(''));
      expect((await cache().get(key('empty')))?.value).toBe('');
    });

    it("keeps an entry past freshUntil until staleUntil: whether to use it stale is the caller's decision", async () => {
      const now = Date.now();
      const stale: CachedEntry = { value: 'stale but usable', freshUntil: now - 10_000, staleUntil: now + 60_000 };
      await cache().set(key('stale'), stale);
      expect(await cache().get(key('stale'))).toMatchObject({ value: 'stale but usable', freshUntil: stale.freshUntil });
    });

    it('does not return an entry whose staleUntil has passed, nor store one that is already over', async () => {
      await cache().set(key('short'), entry('short-lived', { fresh: 100, stale: 200 }));
      expect((await cache().get(key('short')))?.value).toBe('short-lived');
      await sleep(600);
      expect(await cache().get(key('short'))).toBeNull();
      const now = Date.now();
      await cache().set(key('over'), { value: 'over', freshUntil: now - 2000, staleUntil: now - 1000 });
      expect(await cache().get(key('over'))).toBeNull();
    });

    it('hands out copies: changing a returned entry changes nothing stored', async () => {
      await cache().set(key('doc'), entry('original'));
      const first = await cache().get(key('doc'));
      if (!first) throw new Error('entry missing');
      first.value = 'changed';
      first.negative = true;
      expect(await cache().get(key('doc'))).toMatchObject({ value: 'original' });
      expect((await cache().get(key('doc')))?.negative ?? false).toBe(false);
    });

    it('leaves one whole entry when the same key is set concurrently', async () => {
      const values = Array.from({ length: 20 }, (_, i) => `writer ${i} `.repeat(100));
      await Promise.all(values.map((value) => cache().set(key('raced'), entry(value))));
      const read = await cache().get(key('raced'));
      expect(values).toContain(read?.value);
    });

    it('keeps many keys apart', async () => {
      await Promise.all(Array.from({ length: 200 }, (_, i) => cache().set(key(`k${i}`), entry(`v${i}`))));
      const read = await Promise.all(Array.from({ length: 200 }, (_, i) => cache().get(key(`k${i}`))));
      expect(read.map((e) => e?.value)).toEqual(Array.from({ length: 200 }, (_, i) => `v${i}`));
    });
  });
}
