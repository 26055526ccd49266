/**
 * A least-recently-used map bounded by entry count AND by bytes. Decoded
 * status lists can each be up to KPARTY_STATUS_MAX_LIST_BYTES and their URLs
 * come from credentials (any issuer can mint one), so a count bound alone
 * would still let a few large lists exhaust memory.
 */
export class ByteBoundedLru<V> {
  readonly #entries = new Map<string, { value: V; size: number }>();
  #bytes = 0;

  /**
   * @param maxEntries - most entries kept.
   * @param maxBytes - most bytes kept in total; a single value larger than this is not kept at all.
   */
  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError('maxBytes must be a positive integer');
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, size: number): void {
    this.delete(key);
    if (size > this.maxBytes) return;
    this.#entries.set(key, { value, size });
    this.#bytes += size;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.size;
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.size;
  }
}
