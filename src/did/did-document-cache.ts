import type { Clock } from '../core/clock.js';
import type { CachedEntry, SharedCache } from '../core/ports/shared-cache.js';
import { deepFreeze } from './deep-freeze.js';
import type { DidDocument } from './did-document.js';
import { DidResolutionError } from './did-method-resolver.js';

/** What a network DID method loaded: the document and how long its origin says it stays fresh. */
export interface LoadedDidDocument {
  document: DidDocument;
  /** Seconds, from Cache-Control; `undefined` when the origin said nothing. */
  maxAgeSeconds?: number;
}

/** Lifetimes of cached DID documents, in seconds (src/core/config.ts). */
export interface DidCacheLifetimes {
  /** KPARTY_DID_CACHE_MIN_TTL, default 60: the least a document is kept, whatever Cache-Control says (also when it says nothing). */
  minTtl: number;
  /** KPARTY_DID_CACHE_MAX_TTL, default 3600: the most a document is trusted without asking again (key rotation reaches kparty within it). */
  maxTtl: number;
  /** KPARTY_DID_CACHE_NEGATIVE_TTL, default 10: how long a failure is remembered, so a failing host is not asked on every verification. 0: not at all. */
  negativeTtl: number;
  /** KPARTY_DID_CACHE_STALE_GRACE, default 300: how long past its lifetime a document may still be used when its host fails. 0: never. */
  staleGrace: number;
}

/** The generic failure detail remembered for an error that is not a DidResolutionError. */
const OPAQUE_FAILURE = 'DID resolution failed';

/**
 * Caches DID documents of network methods (did:web) behind the
 * {@link SharedCache} port, so a Redis adapter can share them across
 * replicas.
 *
 * - Keyed by the DID, byte-exact: DidResolver only passes bare DIDs (a DID URL
 *   with a fragment or query is refused before it gets here), so fragment
 *   variants of one DID cannot multiply entries or fetches.
 * - Fresh for the origin's Cache-Control lifetime clamped to [minTtl, maxTtl].
 * - Concurrent resolutions of one DID in this process share one load
 *   (single flight); the map holds only loads in progress.
 * - A failed load is remembered for negativeTtl (negative caching).
 * - When a load fails and the previous document is at most staleGrace past
 *   its lifetime, that document is used (stale-if-error, RFC 5861 §4) and
 *   the host is asked again after negativeTtl, not on every request.
 * - A cache that fails (Redis down) is treated as a miss: resolution goes on.
 *
 * Documents handed out are frozen: every caller shares them.
 */
export class DidDocumentCache {
  readonly #cache: SharedCache;
  readonly #clock: Clock;
  readonly #lifetimes: DidCacheLifetimes;
  readonly #inFlight = new Map<string, Promise<DidDocument>>();

  constructor(options: { cache: SharedCache; clock: Clock; lifetimes: DidCacheLifetimes }) {
    const { minTtl, maxTtl } = options.lifetimes;
    if (minTtl > maxTtl) throw new RangeError('minTtl must not exceed maxTtl');
    this.#cache = options.cache;
    this.#clock = options.clock;
    this.#lifetimes = options.lifetimes;
  }

  /** Resolutions in progress (bounded by concurrent requests; empty when idle). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * The document of `did`: from the cache when fresh, else from `load`.
   * @throws DidResolutionError (also a remembered one); whatever `load` throws otherwise
   */
  resolve(did: string, load: () => Promise<LoadedDidDocument>): Promise<DidDocument> {
    const pending = this.#inFlight.get(did);
    if (pending) return pending;
    const resolution = this.#resolve(did, load).finally(() => this.#inFlight.delete(did));
    this.#inFlight.set(did, resolution);
    return resolution;
  }

  async #resolve(did: string, load: () => Promise<LoadedDidDocument>): Promise<DidDocument> {
    const key = cacheKey(did);
    const cached = await this.#read(key);
    if (cached && this.#clock.now() < cached.freshUntil) {
      if (cached.negative) throw new DidResolutionError(cached.value);
      const document = documentOf(cached);
      if (document) return document;
    }
    let loaded: LoadedDidDocument;
    try {
      loaded = await load();
    } catch (error) {
      return this.#afterFailure(key, cached, error);
    }
    const { minTtl, maxTtl, staleGrace } = this.#lifetimes;
    const ttl = Math.min(Math.max(loaded.maxAgeSeconds ?? minTtl, minTtl), maxTtl);
    const now = this.#clock.now();
    const entry: CachedEntry = {
      value: JSON.stringify(loaded.document),
      freshUntil: now + ttl * 1000,
      staleUntil: now + (ttl + staleGrace) * 1000,
    };
    await this.#write(key, entry);
    return deepFreeze(loaded.document);
  }

  /** Serves the previous document if still within its grace, else remembers and rethrows the failure. */
  async #afterFailure(key: string, previous: CachedEntry | null, error: unknown): Promise<DidDocument> {
    const now = this.#clock.now();
    const negativeUntil = now + this.#lifetimes.negativeTtl * 1000;
    const stale = previous && !previous.negative && now < previous.staleUntil ? documentOf(previous) : null;
    if (previous && stale) {
      // Ask the failing host again only after negativeTtl; the grace still ends at the same time.
      await this.#write(key, { ...previous, freshUntil: Math.min(negativeUntil, previous.staleUntil) });
      return stale;
    }
    if (this.#lifetimes.negativeTtl > 0) {
      const detail = error instanceof DidResolutionError ? error.message : OPAQUE_FAILURE;
      await this.#write(key, { value: detail, freshUntil: negativeUntil, staleUntil: negativeUntil, negative: true });
    }
    throw error;
  }

  async #read(key: string): Promise<CachedEntry | null> {
    try {
      return await this.#cache.get(key);
    } catch {
      return null;
    }
  }

  async #write(key: string, entry: CachedEntry): Promise<void> {
    try {
      await this.#cache.set(key, entry);
    } catch {
      // A cache that cannot store only costs a later fetch.
    }
  }
}

/** The SharedCache key of a DID's document. */
export function cacheKey(did: string): string {
  return `did-document:${did}`;
}

/** The cached document, frozen; `null` when the entry does not hold one (a damaged shared entry counts as a miss). */
function documentOf(entry: CachedEntry): DidDocument | null {
  try {
    const document: unknown = JSON.parse(entry.value);
    return typeof document === 'object' && document !== null ? deepFreeze(document as DidDocument) : null;
  } catch {
    return null;
  }
}
