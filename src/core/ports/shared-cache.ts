/**
 * A cache of small documents (DID documents, status lists) shared by every
 * replica when REDIS_URL is set, and bounded (entries and bytes) in memory
 * otherwise. Keys are chosen by kparty (e.g. `did:<did without fragment>`),
 * never taken raw from input without normalising to what is cached.
 */
export interface CachedEntry {
  /** The cached document, serialised. */
  value: string;
  /** Milliseconds since the epoch: fresh until then. */
  freshUntil: number;
  /** Usable as stale (when the origin fails, and only where the caller allows) until then. */
  staleUntil: number;
  /** A negative entry records a failure, so a failing origin is not asked again at once. */
  negative?: boolean;
}

export interface SharedCache {
  get(key: string): Promise<CachedEntry | null>;
  /** Stores until `entry.staleUntil`; an adapter may evict earlier to stay within its bounds. */
  set(key: string, entry: CachedEntry): Promise<void>;
  delete(key: string): Promise<void>;
}
