import type { Redis } from 'ioredis';
import type { CachedEntry, SharedCache } from '../../core/ports/shared-cache.js';

/** The most bytes of one cached value kept in Redis; larger ones are not cached (fetches are capped lower anyway). */
export const REDIS_CACHE_MAX_VALUE_BYTES = 4 * 1024 * 1024;

/**
 * DID documents and status lists in Redis, shared by every replica: key
 * `<prefix>cache:<key>`, value the entry as JSON, expiring at `staleUntil`
 * (Redis evicts it then; `get` also checks, in case Redis' clock is behind).
 * Bounded in time by each entry's `staleUntil` and in size by the per-value
 * cap here; size Redis for it (docs/operations.md recommends `noeviction`, so
 * that memory pressure fails requests rather than dropping denylist entries).
 */
export class RedisSharedCache implements SharedCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(key: string): Promise<CachedEntry | null> {
    const raw = await this.redis.get(this.key(key));
    if (raw === null) return null;
    const entry = JSON.parse(raw) as CachedEntry;
    return entry.staleUntil > this.clock() ? entry : null;
  }

  async set(key: string, entry: CachedEntry): Promise<void> {
    const ttl = Math.floor(entry.staleUntil - this.clock());
    const stored: CachedEntry = { value: entry.value, freshUntil: entry.freshUntil, staleUntil: entry.staleUntil };
    if (entry.negative) stored.negative = true;
    const json = JSON.stringify(stored);
    // An entry already over (or too large) replaces nothing stale: the key is removed, as a set-then-expire would.
    if (ttl <= 0 || Buffer.byteLength(json) > REDIS_CACHE_MAX_VALUE_BYTES) {
      await this.redis.del(this.key(key));
      return;
    }
    await this.redis.set(this.key(key), json, 'PX', ttl);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  private key(key: string): string {
    return `${this.prefix}cache:${key}`;
  }
}
