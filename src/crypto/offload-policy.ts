/**
 * Units of work (verifications) in flight in this process. The offload
 * policy asks it whether the event loop has something else to do.
 */
export class WorkInFlight {
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Marks one unit of work as started; call the returned function once when it ends. */
  begin(): () => void {
    this.#count += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#count -= 1;
    };
  }
}

/** Verifications in flight in this process (the sign-in use case marks each one). */
export const verificationsInFlight = new WorkInFlight();

export interface OffloadPolicyOptions {
  /** Offloaded operations in a row that met no other work before going inline; default 8. */
  idleProbes?: number;
  /** Operations run inline before the thread pool is tried again; default 512. */
  inlineRun?: number;
  /** The work counted as "something else to do"; default {@link verificationsInFlight}. */
  work?: WorkInFlight;
}

/**
 * Decides, operation by operation, whether a signature operation goes to
 * libuv's thread pool or runs inline on the event loop.
 *
 * On the pool it runs on another core while the loop serves other requests —
 * the right place for a busy server — but each trip costs two thread
 * wake-ups, and when the loop has nothing else to do it only waits: then
 * inline is cheaper and faster (one verification at a time, a quiet service).
 *
 * Which case holds is observed, not configured: when an offloaded operation
 * completes, was another verification than its own in flight meanwhile? Under
 * concurrent load the loop starts other requests' verifications while one
 * waits, so the answer is yes and the pool stays in use. After `idleProbes`
 * operations in a row that met no other work, the next `inlineRun` operations
 * run inline — without interleaving, inline work cannot see load arrive — and
 * then the pool is tried again. The choice changes where the work runs, never
 * a result.
 */
export class OffloadPolicy {
  readonly #idleProbes: number;
  readonly #inlineRun: number;
  readonly #work: WorkInFlight;
  #idleWaits = 0;
  #inlineLeft = 0;
  readonly #counts = { inline: 0, offloaded: 0 };

  constructor(options: OffloadPolicyOptions = {}) {
    this.#idleProbes = options.idleProbes ?? 8;
    this.#inlineRun = options.inlineRun ?? 512;
    this.#work = options.work ?? verificationsInFlight;
  }

  /** Runs one operation: `inline()` now, or `offloaded()` on the pool, as the policy currently prefers. */
  run<T>(inline: () => T, offloaded: () => Promise<T>): Promise<T> {
    if (this.#inlineLeft > 0) {
      this.#inlineLeft -= 1;
      this.#counts.inline += 1;
      try {
        return Promise.resolve(inline());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.#counts.offloaded += 1;
    return offloaded().finally(() => this.#observe(this.#work.count > 1));
  }

  #observe(otherWork: boolean): void {
    if (otherWork) {
      this.#idleWaits = 0;
      return;
    }
    this.#idleWaits += 1;
    if (this.#idleWaits >= this.#idleProbes) {
      this.#idleWaits = 0;
      this.#inlineLeft = this.#inlineRun;
    }
  }

  /** Whether the next operation runs inline. */
  get inline(): boolean {
    return this.#inlineLeft > 0;
  }

  /** Operations run so far on each side (diagnostics, docs/benchmarks.md). */
  get counts(): Readonly<{ inline: number; offloaded: number }> {
    return { ...this.#counts };
  }
}
