import type { Clock } from '../core/clock.js';
import type { PresentationPolicy, StoredPolicy } from '../core/model/policy.js';
import type { PolicyStore, PutPolicyResult } from '../core/ports/policy-store.js';
import { LruMap } from '../crypto/lru.js';

/**
 * Tells a process that policies changed somewhere (another replica, the CLI).
 * `onChange(id)` for one policy; `onReset()` when notices may have been missed
 * (the feed's connection broke): everything cached must go. While `live` is
 * false nothing may be cached, because a missed notice would go unnoticed.
 */
export interface PolicyChangeFeed {
  readonly live: boolean;
  subscribe(listener: { onChange(id: string): void; onReset(): void }): void;
}

export interface PolicyCacheOptions {
  /** Most policies kept (ids are chosen by wallets; only ids that exist are cached). */
  capacity: number;
  /**
   * KPARTY_POLICY_CACHE_MAX_AGE in milliseconds: the longest a cached copy is
   * served without reading the store again, a bound on staleness should a
   * notice be lost without the connection breaking. 0 disables the cache.
   */
  maxAgeMs: number;
}

interface Entry {
  stored: StoredPolicy;
  cachedAt: number;
}

/**
 * A PolicyStore that keeps the policies wallets name in process memory, so a
 * verification does not read the database (a round trip on PostgreSQL) to
 * learn a policy it read a moment ago. Correct across replicas because every
 * committed change is announced by the database (PostgreSQL LISTEN/NOTIFY,
 * src/storage/postgres/policy-change-listener.ts) and drops the cached copy.
 *
 * Only `get` is cached; `list`, `put` and `delete` go to the store (and a
 * local write drops the local copy at once, before its notice arrives).
 * Unknown ids are never cached, so wallets naming random ids cannot evict
 * real policies faster than they are read.
 *
 * The read/invalidate race — a read that started before a change commits and
 * returns after its notice was handled — is closed with a generation counter:
 * a value read while any notice arrived is returned but not cached.
 */
export class CachedPolicyStore implements PolicyStore {
  readonly #entries: LruMap<string, Entry>;
  #generation = 0;

  constructor(
    private readonly store: PolicyStore,
    private readonly feed: PolicyChangeFeed,
    private readonly clock: Clock,
    private readonly options: PolicyCacheOptions,
  ) {
    this.#entries = new LruMap(options.capacity);
    feed.subscribe({
      onChange: (id) => {
        this.#generation++;
        this.#entries.delete(id);
      },
      onReset: () => {
        this.#generation++;
        this.#entries.clear();
      },
    });
  }

  /** Policies cached now (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  async get(id: string): Promise<StoredPolicy | null> {
    if (this.options.maxAgeMs <= 0) return this.store.get(id);
    const now = this.clock.now();
    const hit = this.#entries.get(id);
    // A copy, like every store's answer: a caller changing what it got must not change what others get.
    if (hit && this.feed.live && now - hit.cachedAt < this.options.maxAgeMs) return structuredClone(hit.stored);
    const generation = this.#generation;
    const stored = await this.store.get(id);
    if (stored === null) {
      this.#entries.delete(id);
    } else if (this.feed.live && generation === this.#generation) {
      this.#entries.set(id, { stored: structuredClone(stored), cachedAt: now });
    }
    return stored;
  }

  list(owner?: string): Promise<StoredPolicy[]> {
    return this.store.list(owner);
  }

  async put(policy: PresentationPolicy, owner: string, now: number): Promise<PutPolicyResult> {
    this.#forget(policy.id);
    try {
      return await this.store.put(policy, owner, now);
    } finally {
      this.#forget(policy.id);
    }
  }

  async delete(id: string, owner: string): Promise<boolean> {
    this.#forget(id);
    try {
      return await this.store.delete(id, owner);
    } finally {
      this.#forget(id);
    }
  }

  #forget(id: string): void {
    this.#generation++;
    this.#entries.delete(id);
  }
}
