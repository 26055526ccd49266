/**
 * A bounded least-recently-used map.
 *
 * Caches in kparty are keyed by strings an attacker chooses (DIDs, key
 * thumbprints), so every cache has a fixed capacity: an unbounded map is a
 * memory-exhaustion vector (docs/architecture.md "House rules", do not copy: did-resolver's
 * `inMemoryCache`). A `Map` keeps insertion order, so the first key is always
 * the least recently used one once `get` re-inserts what it returns.
 */
export class LruMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly capacity: number;

  /** @param capacity - maximum number of entries kept; at least 1. */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key`, marking it most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Stores `value` as most recently used, evicting the least recently used entry when full. */
  set(key: K, value: V): this {
    if (this.#entries.has(key)) {
      this.#entries.delete(key);
    } else if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
