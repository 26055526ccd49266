import { describe, expect, it } from '@jest/globals';
import { MemorySharedCache } from '../cache/memory-shared-cache.js';
import { fixedClock } from '../core/clock.js';
import type { CachedEntry, SharedCache } from '../core/ports/shared-cache.js';
import { DidDocumentCache, cacheKey, type DidCacheLifetimes, type LoadedDidDocument } from './did-document-cache.js';
import { DidResolutionError } from './did-method-resolver.js';

const T0 = Date.UTC(2026, 0, 1);
const DID = 'did:web:issuer.example';
const LIFETIMES: DidCacheLifetimes = { minTtl: 60, maxTtl: 3600, negativeTtl: 10, staleGrace: 300 };

/** A load function that records its calls and answers from a script: a document (with max-age) or a failure. */
function origin() {
  let answer: () => Promise<LoadedDidDocument> = async () => ({ document: { id: DID } });
  const calls: number[] = [];
  const load = (): Promise<LoadedDidDocument> => {
    calls.push(calls.length + 1);
    return answer();
  };
  return {
    load,
    calls,
    serves(version: string, maxAgeSeconds?: number) {
      answer = async () => ({ document: { id: DID, alsoKnownAs: [version] }, ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }) });
    },
    fails(detail = 'timed out') {
      answer = async () => {
        throw new DidResolutionError(detail);
      };
    },
  };
}

function setup(lifetimes: DidCacheLifetimes = LIFETIMES) {
  const clock = fixedClock(T0);
  const shared = new MemorySharedCache({ clock });
  const documents = new DidDocumentCache({ cache: shared, clock, lifetimes });
  const host = origin();
  const resolve = () => documents.resolve(DID, host.load);
  const version = async () => (await resolve()).alsoKnownAs?.[0];
  return { clock, shared, documents, host, resolve, version };
}

async function detailOf(resolving: Promise<unknown>): Promise<string> {
  try {
    await resolving;
  } catch (error) {
    expect(error).toBeInstanceOf(DidResolutionError);
    return (error as Error).message;
  }
  throw new Error('resolved');
}

describe('DidDocumentCache', () => {
  it('serves a fresh document from the cache, frozen, without loading again', async () => {
    const { host, resolve, version } = setup();
    host.serves('v1', 600);
    expect(await version()).toBe('v1');
    host.serves('v2', 600);
    expect(await version()).toBe('v1');
    expect(Object.isFrozen(await resolve())).toBe(true);
    expect(host.calls).toHaveLength(1);
  });

  it.each<[string, number | undefined, number]>([
    ['max-age within bounds', 600, 600],
    ['max-age below the minimum', 1, LIFETIMES.minTtl],
    ['no-store (0)', 0, LIFETIMES.minTtl],
    ['no Cache-Control', undefined, LIFETIMES.minTtl],
    ['max-age above the maximum', 10 * 365 * 86_400, LIFETIMES.maxTtl],
  ])('keeps a document fresh for Cache-Control clamped to [min, max]: %s', async (_label, maxAge, freshSeconds) => {
    const { clock, host, version } = setup();
    host.serves('v1', maxAge);
    await version();
    host.serves('v2', maxAge);
    clock.set(T0 + freshSeconds * 1000 - 1);
    expect(await version()).toBe('v1');
    clock.set(T0 + freshSeconds * 1000);
    expect(await version()).toBe('v2');
    expect(host.calls).toHaveLength(2);
  });

  it('collapses concurrent resolutions of one DID into one load', async () => {
    const { documents, host } = setup();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((ok) => (release = ok));
    const slowLoad = async (): Promise<LoadedDidDocument> => {
      await gate;
      return host.load();
    };
    const all = Array.from({ length: 100 }, () => documents.resolve(DID, slowLoad));
    expect(documents.inFlight).toBe(1);
    release();
    const results = await Promise.all(all);
    expect(new Set(results).size).toBe(1);
    expect(host.calls).toHaveLength(1);
    expect(documents.inFlight).toBe(0);
  });

  it('shares a failure among concurrent callers too, and forgets the load once settled', async () => {
    const { documents, host } = setup({ ...LIFETIMES, negativeTtl: 0 });
    host.fails('address refused');
    const all = await Promise.allSettled(Array.from({ length: 20 }, () => documents.resolve(DID, host.load)));
    expect(all.every((r) => r.status === 'rejected')).toBe(true);
    expect(host.calls).toHaveLength(1);
    expect(documents.inFlight).toBe(0);
  });

  it('remembers a failure for the negative TTL, with its detail, then asks again', async () => {
    const { clock, host, resolve, version } = setup();
    host.fails('the host answered HTTP 404');
    expect(await detailOf(resolve())).toBe('the host answered HTTP 404');
    clock.advance(LIFETIMES.negativeTtl * 1000 - 1);
    expect(await detailOf(resolve())).toBe('the host answered HTTP 404');
    expect(host.calls).toHaveLength(1);
    host.serves('v1');
    clock.advance(1);
    expect(await version()).toBe('v1');
    expect(host.calls).toHaveLength(2);
  });

  it('does not remember failures when the negative TTL is 0', async () => {
    const { host, resolve } = setup({ ...LIFETIMES, negativeTtl: 0 });
    host.fails();
    await detailOf(resolve());
    await detailOf(resolve());
    expect(host.calls).toHaveLength(2);
  });

  it('remembers an error that is not a DidResolutionError without its message', async () => {
    const { shared, documents } = setup();
    const secret = new Error('connect ECONNREFUSED 10.1.2.3:5432');
    await expect(documents.resolve(DID, () => Promise.reject(secret))).rejects.toBe(secret);
    expect(await shared.get(cacheKey(DID))).toMatchObject({ negative: true, value: 'DID resolution failed' });
  });

  it('serves the previous document within the stale grace when the host fails, asking again after the negative TTL', async () => {
    const { clock, host, version } = setup();
    host.serves('v1', 600);
    await version();
    host.fails();
    clock.set(T0 + 600_000); // just stale
    expect(await version()).toBe('v1');
    expect(host.calls).toHaveLength(2);
    clock.advance(LIFETIMES.negativeTtl * 1000 - 1);
    expect(await version()).toBe('v1');
    expect(host.calls).toHaveLength(2);
    clock.advance(1);
    expect(await version()).toBe('v1');
    expect(host.calls).toHaveLength(3);
    host.serves('v2', 600);
    clock.advance(LIFETIMES.negativeTtl * 1000);
    expect(await version()).toBe('v2');
  });

  it('stops serving the stale document at the end of the grace', async () => {
    const { clock, host, resolve, version } = setup();
    host.serves('v1', 600);
    await version();
    host.fails('timed out');
    clock.set(T0 + (600 + LIFETIMES.staleGrace) * 1000 - 1);
    expect(await version()).toBe('v1');
    clock.set(T0 + (600 + LIFETIMES.staleGrace) * 1000);
    expect(await detailOf(resolve())).toBe('timed out');
  });

  it('never serves stale documents when the grace is 0', async () => {
    const { clock, host, resolve, version } = setup({ ...LIFETIMES, staleGrace: 0 });
    host.serves('v1', 600);
    await version();
    host.fails('timed out');
    clock.set(T0 + 600_000);
    expect(await detailOf(resolve())).toBe('timed out');
  });

  it('keys by the DID byte-exact: another spelling is another entry and another load', async () => {
    const { documents, shared } = setup();
    const loads: string[] = [];
    const loader = (did: string) => async (): Promise<LoadedDidDocument> => {
      loads.push(did);
      return { document: { id: did } };
    };
    for (const did of ['did:web:issuer.example', 'did:web:Issuer.example', 'did:web:issuer.example%3A443']) {
      await documents.resolve(did, loader(did));
      await documents.resolve(did, loader(did));
    }
    expect(loads).toEqual(['did:web:issuer.example', 'did:web:Issuer.example', 'did:web:issuer.example%3A443']);
    expect(shared.size).toBe(3);
  });

  it('goes on resolving when the shared cache fails, and treats a damaged entry as a miss', async () => {
    const broken: SharedCache = {
      get: () => Promise.reject(new Error('redis down')),
      set: () => Promise.reject(new Error('redis down')),
      delete: () => Promise.reject(new Error('redis down')),
    };
    const clock = fixedClock(T0);
    const host = origin();
    const documents = new DidDocumentCache({ cache: broken, clock, lifetimes: LIFETIMES });
    expect((await documents.resolve(DID, host.load)).id).toBe(DID);

    const shared = new MemorySharedCache({ clock });
    const damaged: CachedEntry = { value: '{not json', freshUntil: T0 + 60_000, staleUntil: T0 + 60_000 };
    await shared.set(cacheKey(DID), damaged);
    const repaired = new DidDocumentCache({ cache: shared, clock, lifetimes: LIFETIMES });
    expect((await repaired.resolve(DID, host.load)).id).toBe(DID);
    expect(host.calls).toHaveLength(2);
  });

  it('refuses lifetimes whose minimum exceeds the maximum', () => {
    expect(() => new DidDocumentCache({ cache: new MemorySharedCache(), clock: fixedClock(T0), lifetimes: { ...LIFETIMES, minTtl: 7200 } })).toThrow(
      RangeError,
    );
  });
});
