import { budgetRefusalDetail, type RequestBudget } from '../net/request-budget.js';
import { LruMap } from '../crypto/lru.js';
import type { Fetcher } from '../core/ports/fetcher.js';
import type { SharedCache } from '../core/ports/shared-cache.js';
import { statusFetchFailureDetail } from './fetch-failure-detail.js';
import { ByteBoundedLru } from './list-memo.js';
import { invalidList, unavailableList, type StatusListProblem } from './status-outcome.js';

/** A status list as read from its publisher: verified, decoded, independent of any policy. */
export interface ReadStatusList<T> {
  list: T;
  /** Bytes the decoded list holds in memory (for the cache's byte bound). */
  size: number;
  /** Freshness the publisher asks for, in milliseconds (W3C `ttl`, IETF `ttl` × 1000); {@link DEFAULT_LIST_TTL_MS} when absent. */
  ttlMs?: number;
  /** Seconds since the epoch: the list's own validity (`validFrom`/`nbf`, `validUntil`/`exp`). */
  notBefore?: number;
  expiresAt?: number;
}

/** How one kind of status list is fetched and read (W3C list credential, IETF Status List Token). */
export interface StatusListFormat<T> {
  /** Names the kind in the in-process cache, so two kinds read from one URL never mix. */
  readonly name: string;
  /** Media types asked for (and accepted) when fetching. */
  readonly accept: string[];
  /** Verifies and decodes a fetched body. Never throws. */
  /** `budget`: the request's (src/net/request-budget.ts); inflation and the signer's DID draw on it. */
  read(body: string, url: string, budget?: RequestBudget): Promise<ReadStatusList<T> | StatusListProblem>;
  /** How a fetched body becomes the text `read` and the shared cache see (default: UTF-8); null: unreadable. Binary formats (CWT) encode it. */
  decodeBody?(bytes: Uint8Array): string | null;
}

export type ObtainedStatusList<T> = { ok: true; read: ReadStatusList<T>; stale: boolean } | ({ ok: false } & StatusListProblem);

/** Status-list caching, from the configuration (README, "Configuration"). */
export interface StatusListCacheSettings {
  /** KPARTY_STATUS_CACHE_MIN_TTL seconds (default 60): a list is cached at least this long, however short its own ttl, so a publisher cannot make kparty fetch on every verification. */
  minTtlSeconds: number;
  /** KPARTY_STATUS_CACHE_MAX_TTL seconds (default 3600): a list is cached at most this long, however long its own ttl. */
  maxTtlSeconds: number;
  /** KPARTY_STATUS_STALE_GRACE seconds (default 600): how long past its freshness a cached list may still answer while its host is unreachable — only for policies with `status: optional`. */
  staleGraceSeconds: number;
  /** KPARTY_CLOCK_SKEW seconds, tolerated on the list's own validity period. */
  clockSkewSeconds: number;
}

/** W3C Bitstring Status List §2.2 `ttl` default: 300000 ms. Used for every kind whose list names none. */
export const DEFAULT_LIST_TTL_MS = 300_000;
/** A URL whose fetch failed, or whose list was unusable, is not asked again for this long. */
export const FAILURE_CACHE_MS = 5_000;
/** Decoded lists kept in process: at most this many… */
export const MEMO_MAX_ENTRIES = 1024;
/** …and at most this many bytes together. */
export const MEMO_MAX_BYTES = 64 * 1024 * 1024;

interface MemoEntry {
  body: string;
  read: ReadStatusList<unknown>;
  freshUntil: number;
  staleUntil: number;
}

type Refresh = { ok: true; entry: MemoEntry } | ({ ok: false; retrieval: boolean } & StatusListProblem);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `format.read`, with a bug in it turned into an unusable list rather than a crash of the verification. */
async function readSafely<T>(format: StatusListFormat<T>, body: string, url: string, budget?: RequestBudget): Promise<ReadStatusList<T> | StatusListProblem> {
  try {
    return await format.read(body, url, budget);
  } catch {
    return invalidList('list_malformed', 'the status list could not be read');
  }
}

/**
 * Where status lists come from: the guarded {@link Fetcher} behind a cache
 * per list URL.
 *
 * - Freshness honours the list's own `ttl` (and never outlives its
 *   `validUntil`/`exp`), clamped to [KPARTY_STATUS_CACHE_MIN_TTL,
 *   KPARTY_STATUS_CACHE_MAX_TTL]. W3C Bitstring Status List §2.2 forbids a
 *   cache older than `ttl`; the IETF draft (§ Security Considerations,
 *   "Expiration and Caching") asks for configured lower and upper bounds —
 *   the lower bound wins, and the README says so.
 * - Single flight: concurrent verifications naming one list share one fetch.
 * - The raw body is kept in the {@link SharedCache} (`status:<url>`) when one
 *   is given, so replicas share fetches; each process keeps what it has
 *   verified and decoded in a memory-bounded LRU.
 * - Stale use: only when the fetch fails (never when a fetched list is bad),
 *   only for callers that allow it (policy `optional`), only within
 *   KPARTY_STATUS_STALE_GRACE past freshness, never past the list's expiry.
 * - A failed fetch or an unusable list is remembered for
 *   {@link FAILURE_CACHE_MS}, so a failing host is not hammered.
 */
export class StatusListSource {
  readonly #memo = new ByteBoundedLru<MemoEntry>(MEMO_MAX_ENTRIES, MEMO_MAX_BYTES);
  readonly #failures = new LruMap<string, { until: number; retrieval: boolean } & StatusListProblem>(MEMO_MAX_ENTRIES);
  readonly #inFlight = new Map<string, Promise<Refresh>>();

  constructor(
    private readonly fetcher: Fetcher,
    private readonly settings: StatusListCacheSettings,
    private readonly sharedCache?: SharedCache,
  ) {}

  /** The list at `url`, read as `format`, as of `now` (ms). Never throws. */
  async obtain<T>(
    url: string,
    format: StatusListFormat<T>,
    options: { now: number; allowStale: boolean; budget?: RequestBudget | undefined },
  ): Promise<ObtainedStatusList<T>> {
    const { now, budget } = options;
    const key = `${format.name} ${url}`;
    let cached = this.#memo.get(key);
    if (cached && now < cached.freshUntil) return this.#usable(cached, now, false) as ObtainedStatusList<T>;

    // Another replica may have fetched it: its body is verified and decoded here once.
    const shared = await this.#sharedEntry(url);
    if (shared) {
      const read = cached?.body === shared.value ? cached.read : await this.#readBody(shared.value, url, format, budget);
      if (read) {
        cached = { body: shared.value, read, freshUntil: shared.freshUntil, staleUntil: shared.staleUntil };
        this.#memo.set(key, cached, read.size);
        if (now < cached.freshUntil) return this.#usable(cached, now, false) as ObtainedStatusList<T>;
      }
    }

    let flight = this.#inFlight.get(key);
    if (!flight) {
      flight = this.#refresh(key, url, format, now, budget).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, flight);
    }
    const refreshed = await flight;
    if (refreshed.ok) return this.#usable(refreshed.entry, now, false) as ObtainedStatusList<T>;
    // Stale only when the host could not be reached: a list that was fetched and found bad is never papered over.
    if (refreshed.retrieval && options.allowStale && cached && now < cached.staleUntil) {
      return this.#usable(cached, now, true) as ObtainedStatusList<T>;
    }
    return { ok: false, problem: refreshed.problem, reason: refreshed.reason, detail: refreshed.detail };
  }

  /** A cached or fetched list, checked against its own validity period at `now`. */
  #usable(entry: MemoEntry, now: number, stale: boolean): ObtainedStatusList<unknown> {
    const outside = this.#outsideValidity(entry.read, now);
    return outside ? { ok: false, ...outside } : { ok: true, read: entry.read, stale };
  }

  /** Why the list may not be used at `now` (its `validUntil`/`exp`, `validFrom`/`nbf`, with KPARTY_CLOCK_SKEW), or null. */
  #outsideValidity(read: ReadStatusList<unknown>, now: number): StatusListProblem | null {
    const seconds = Math.floor(now / 1000);
    const skew = this.settings.clockSkewSeconds;
    const { notBefore, expiresAt } = read;
    if (expiresAt !== undefined && expiresAt + skew < seconds) {
      return invalidList('list_expired', `the status list expired at ${new Date(expiresAt * 1000).toISOString()}`);
    }
    if (notBefore !== undefined && notBefore - skew > seconds) {
      return invalidList('list_not_yet_valid', `the status list is not valid before ${new Date(notBefore * 1000).toISOString()}`);
    }
    return null;
  }

  async #refresh<T>(key: string, url: string, format: StatusListFormat<T>, now: number, budget?: RequestBudget): Promise<Refresh> {
    const remembered = this.#failures.get(key);
    if (remembered && now < remembered.until) {
      return { ok: false, retrieval: remembered.retrieval, problem: remembered.problem, reason: remembered.reason, detail: remembered.detail };
    }
    // The request's fetch budget (src/net/request-budget.ts); a refusal is this request's, never remembered for the list.
    const refusal = budget?.claimFetch(url);
    if (refusal) return { ok: false, retrieval: false, ...unavailableList('over_budget', budgetRefusalDetail(refusal)) };
    const failed = (retrieval: boolean, problem: StatusListProblem): Refresh => {
      this.#failures.set(key, { until: now + FAILURE_CACHE_MS, retrieval, ...problem });
      return { ok: false, retrieval, ...problem };
    };

    let bytes: Uint8Array;
    try {
      bytes = (await this.fetcher.fetch({ url, accept: format.accept })).body;
    } catch (error) {
      return failed(true, unavailableList('fetch_failed', statusFetchFailureDetail(error)));
    }
    let body: string;
    try {
      const decoded = format.decodeBody ? format.decodeBody(bytes) : utf8.decode(bytes);
      if (decoded === null) throw new TypeError('unreadable body');
      body = decoded;
    } catch {
      return failed(false, invalidList('list_malformed', 'the status list is not UTF-8 text'));
    }

    const read = await readSafely(format, body, url, budget);
    if ('problem' in read && read.reason === 'over_budget') return { ok: false, retrieval: false, ...read };
    if ('problem' in read) return failed(false, read);
    // An expired (or not yet valid) list is remembered like any unusable one, not fetched again per verification.
    const outside = this.#outsideValidity(read as ReadStatusList<unknown>, now);
    if (outside) return failed(false, outside);
    const entry = this.#entryFor(body, read as ReadStatusList<unknown>, now);
    this.#failures.delete(key);
    this.#memo.set(key, entry, read.size);
    await this.#storeShared(url, entry);
    return { ok: true, entry };
  }

  #entryFor(body: string, read: ReadStatusList<unknown>, now: number): MemoEntry {
    const { minTtlSeconds, maxTtlSeconds, staleGraceSeconds } = this.settings;
    const ttl = Math.min(Math.max(read.ttlMs ?? DEFAULT_LIST_TTL_MS, minTtlSeconds * 1000), maxTtlSeconds * 1000);
    const end = read.expiresAt !== undefined ? read.expiresAt * 1000 : Infinity;
    const freshUntil = Math.min(now + ttl, end);
    const staleUntil = Math.min(freshUntil + staleGraceSeconds * 1000, end);
    return { body, read, freshUntil, staleUntil };
  }

  async #readBody<T>(body: string, url: string, format: StatusListFormat<T>, budget?: RequestBudget): Promise<ReadStatusList<unknown> | undefined> {
    const read = await readSafely(format, body, url, budget);
    return 'problem' in read ? undefined : (read as ReadStatusList<unknown>);
  }

  async #sharedEntry(url: string): Promise<{ value: string; freshUntil: number; staleUntil: number } | null> {
    if (!this.sharedCache) return null;
    try {
      const entry = await this.sharedCache.get(`status:${url}`);
      return entry && !entry.negative ? entry : null;
    } catch {
      // A shared cache that is down is a miss: the list is fetched instead.
      return null;
    }
  }

  async #storeShared(url: string, entry: MemoEntry): Promise<void> {
    if (!this.sharedCache) return;
    try {
      await this.sharedCache.set(`status:${url}`, { value: entry.body, freshUntil: entry.freshUntil, staleUntil: entry.staleUntil });
    } catch {
      // Best effort: this process still has the list in memory.
    }
  }
}
