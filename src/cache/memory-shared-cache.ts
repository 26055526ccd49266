import { systemClock, type Clock } from '../core/clock.js';
import type { CachedEntry, SharedCache } from '../core/ports/shared-cache.js';

/** Default most entries kept: room for every issuer and status list a deployment sees, not for an attacker's inventions. */
export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;
/** Default most bytes kept (estimated, see {@link entrySize}): 32 MiB. */
export const DEFAULT_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/** Fixed per-entry overhead counted besides key and value (the map slot and entry object). */
const ENTRY_OVERHEAD_BYTES = 96;

export interface MemorySharedCacheOptions {
  /** Most entries kept, default {@link DEFAULT_CACHE_MAX_ENTRIES}. */
  maxEntries?: number;
  /** Most bytes kept, default {@link DEFAULT_CACHE_MAX_BYTES}. */
  maxBytes?: number;
  /** For expiry; the system clock by default. */
  clock?: Clock;
}

interface Slot {
  entry: CachedEntry;
  size: number;
}

/**
 * Estimated memory of one entry: JavaScript strings hold UTF-16 code units,
 * two bytes each, plus a fixed overhead. An estimate is enough: the bound is
 * there so an attacker who chooses keys (DIDs, URLs) cannot grow the process
 * without limit, not for exact accounting.
 */
export function entrySize(key: string, entry: CachedEntry): number {
  return 2 * (key.length + entry.value.length) + ENTRY_OVERHEAD_BYTES;
}

/**
 * The {@link SharedCache} of one process: a least-recently-used map bounded
 * by entries AND bytes. Setting an entry evicts the least recently used ones
 * until both bounds hold; an entry larger than the whole byte budget is not
 * kept at all. Entries are dropped once past `staleUntil`. Shared across
 * replicas only through the Redis adapter (REDIS_URL).
 */
export class MemorySharedCache implements SharedCache {
  readonly #slots = new Map<string, Slot>();
  readonly #clock: Clock;
  readonly maxEntries: number;
  readonly maxBytes: number;
  #bytes = 0;

  constructor(options: MemorySharedCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 1) throw new RangeError('maxBytes must be a positive integer');
    this.#clock = options.clock ?? systemClock;
  }

  /** Entries held now. */
  get size(): number {
    return this.#slots.size;
  }

  /** Estimated bytes held now; never more than maxBytes. */
  get bytes(): number {
    return this.#bytes;
  }

  async get(key: string): Promise<CachedEntry | null> {
    const slot = this.#slots.get(key);
    if (!slot) return null;
    this.#remove(key, slot);
    if (this.#clock.now() >= slot.entry.staleUntil) return null;
    this.#slots.set(key, slot); // most recently used
    this.#bytes += slot.size;
    return { ...slot.entry };
  }

  async set(key: string, entry: CachedEntry): Promise<void> {
    const existing = this.#slots.get(key);
    if (existing) this.#remove(key, existing);
    const size = entrySize(key, entry);
    if (size > this.maxBytes || this.#clock.now() >= entry.staleUntil) return;
    const stored: CachedEntry = { value: entry.value, freshUntil: entry.freshUntil, staleUntil: entry.staleUntil };
    if (entry.negative) stored.negative = true;
    this.#slots.set(key, { entry: stored, size });
    this.#bytes += size;
    this.#evictBeyondBounds();
  }

  async delete(key: string): Promise<void> {
    const slot = this.#slots.get(key);
    if (slot) this.#remove(key, slot);
  }

  #remove(key: string, slot: Slot): void {
    this.#slots.delete(key);
    this.#bytes -= slot.size;
  }

  #evictBeyondBounds(): void {
    for (const [key, slot] of this.#slots) {
      if (this.#slots.size <= this.maxEntries && this.#bytes <= this.maxBytes) return;
      this.#remove(key, slot);
    }
  }
}
