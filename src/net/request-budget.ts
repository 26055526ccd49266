/**
 * The work one verification may cause, as a whole (docs/security.md,
 * "Per-request budgets"). A single presentation can name many status lists
 * and DIDs; each list may inflate to KPARTY_STATUS_MAX_LIST_BYTES. Without a
 * budget for the request as a whole, 32 lists of ~30 KB in one 15 KiB request
 * took the process from 144 MiB to 755 MiB (issue 11 finding 3).
 *
 * One {@link RequestBudget} is created per verification (a submission) and
 * handed to everything that fetches or decompresses on its behalf: DID
 * resolution over the network, status lists, and — as they land — SD-JWT
 * `jwt-vc-issuer` metadata, mdoc and Data Integrity inputs. It is framework
 * free and synchronous: a caller asks before doing the work and stops when
 * refused. The rule for new code: every outbound fetch claims
 * {@link RequestBudget.claimFetch}, every decompression claims
 * {@link RequestBudget.claimInflation} per chunk.
 */

/** Why the budget refused more work. */
export type BudgetRefusal =
  /** KPARTY_REQUEST_MAX_FETCHES distinct outbound fetches already made by this request. */
  | 'request_fetches'
  /** KPARTY_REQUEST_MAX_INFLATED_BYTES already inflated by this request. */
  | 'request_inflation'
  /** KPARTY_INFLATE_BUDGET_BYTES in flight across the whole process. */
  | 'process_inflation';

export interface RequestBudgetLimits {
  /** `KPARTY_REQUEST_MAX_FETCHES` (default 16): distinct outbound fetches (DID documents, status lists, metadata) per request. */
  maxFetches: number;
  /** `KPARTY_REQUEST_MAX_INFLATED_BYTES` (default 32 MiB): bytes all decompressions of one request may produce together. */
  maxInflatedBytes: number;
}

export const DEFAULT_REQUEST_MAX_FETCHES = 16;
export const DEFAULT_REQUEST_MAX_INFLATED_BYTES = 32 * 1024 * 1024;
export const DEFAULT_INFLATE_BUDGET_BYTES = 128 * 1024 * 1024;

/**
 * Inflated bytes in flight across the process (`KPARTY_INFLATE_BUDGET_BYTES`,
 * default 128 MiB): what concurrent requests hold of decompressed lists until
 * they finish. Beyond it, inflation is refused (the status is unavailable)
 * instead of the process growing without bound.
 */
export class InflationPool {
  #inUse = 0;

  constructor(readonly capacityBytes: number = DEFAULT_INFLATE_BUDGET_BYTES) {
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes < 1) throw new RangeError('inflation pool capacity must be a positive integer');
  }

  /** Bytes currently held by requests in flight. */
  get inUse(): number {
    return this.#inUse;
  }

  take(bytes: number): boolean {
    if (this.#inUse + bytes > this.capacityBytes) return false;
    this.#inUse += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#inUse = Math.max(0, this.#inUse - bytes);
  }
}

/** The budget of one verification. Not shared between requests; {@link release} once it is done. */
export class RequestBudget {
  readonly #fetched = new Set<string>();
  #inflated = 0;
  #held = 0;
  #released = false;

  constructor(
    private readonly limits: RequestBudgetLimits,
    private readonly pool: InflationPool,
  ) {}

  /** Distinct fetch targets claimed so far. */
  get fetches(): number {
    return this.#fetched.size;
  }

  /** Bytes inflated so far by this request. */
  get inflatedBytes(): number {
    return this.#inflated;
  }

  /**
   * Claims an outbound fetch of `target` (a URL or DID). The same target again
   * is free (it is one fetch, shared or cached); a new one beyond the limit is refused.
   */
  claimFetch(target: string): BudgetRefusal | undefined {
    if (this.#fetched.has(target)) return undefined;
    if (this.#released || this.#fetched.size >= this.limits.maxFetches) return 'request_fetches';
    this.#fetched.add(target);
    return undefined;
  }

  /** Claims `bytes` more of decompressed output, against this request's limit and the process pool. */
  claimInflation(bytes: number): BudgetRefusal | undefined {
    if (this.#released || this.#inflated + bytes > this.limits.maxInflatedBytes) return 'request_inflation';
    if (!this.pool.take(bytes)) return 'process_inflation';
    this.#inflated += bytes;
    this.#held += bytes;
    return undefined;
  }

  /** Gives the request's share of the process pool back; further claims are refused. Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.pool.give(this.#held);
    this.#held = 0;
  }
}

/** What a refusal means, for details shown to the presenter (no numbers beyond the configured limits). */
export function budgetRefusalDetail(refusal: BudgetRefusal): string {
  switch (refusal) {
    case 'request_fetches':
      return 'this presentation needs more outbound fetches than one request may make (KPARTY_REQUEST_MAX_FETCHES)';
    case 'request_inflation':
      return "this presentation's status lists inflate to more than one request may (KPARTY_REQUEST_MAX_INFLATED_BYTES)";
    case 'process_inflation':
      return 'kparty is inflating too many status lists at once (KPARTY_INFLATE_BUDGET_BYTES); try again shortly';
  }
}

/** Creates one budget per verification over one process-wide pool. */
export function requestBudgets(limits: RequestBudgetLimits, pool: InflationPool): () => RequestBudget {
  return () => new RequestBudget(limits, pool);
}
