import { performance } from 'node:perf_hooks';

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

/**
 * How busy the event loop has been lately: the share of the last window (at
 * least `windowMs`) it spent running code rather than waiting for I/O
 * (Node's event-loop utilisation, `performance.eventLoopUtilization()`).
 * Cheap to ask often: the figure is recomputed at most once per window.
 */
export class LoopUtilization {
  #last = performance.eventLoopUtilization();
  #lastAt = performance.now();
  #value = 0;

  constructor(private readonly windowMs = 50) {}

  /** The utilisation (0…1) of the last complete window. */
  get current(): number {
    const now = performance.now();
    if (now - this.#lastAt >= this.windowMs) {
      const sample = performance.eventLoopUtilization();
      this.#value = performance.eventLoopUtilization(sample, this.#last).utilization;
      this.#last = sample;
      this.#lastAt = now;
    }
    return this.#value;
  }
}

export interface OffloadPolicyOptions {
  /** Offloaded operations in a row that met no other work before going inline; default 8. */
  idleProbes?: number;
  /** Operations run inline before the thread pool is tried again; default 512. */
  inlineRun?: number;
  /** The work counted as "something else to do"; default {@link verificationsInFlight}. */
  work?: WorkInFlight;
  /**
   * Below this event-loop utilisation every operation runs inline; default
   * 0.75. The loop has time to spare then, and a trip to the pool costs more
   * CPU than it saves the loop (see the class comment). 0 disables the test.
   */
  busyLoop?: number;
  /** The loop's recent utilisation (0…1); default {@link LoopUtilization} over 50 ms windows. */
  utilization?: () => number;
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
 * Which case holds is observed, not configured. First, the loop must be
 * busy: below `busyLoop` utilisation it has time to spare, and inline costs
 * less — on the 2-core benchmark machine a trip to the pool cost about 55 µs
 * of CPU per operation (thread wake-ups on both sides): in three A/B pairs
 * at 32 connections, every operation inline cost 777, 987 and 917 µs of CPU
 * per request against 1,100, 964 and 1,078 µs offloaded, and a loop that is
 * not the bottleneck gains nothing from the other core but the hand-offs'
 * latency (issue 18, docs/benchmarks.md). Second, when an offloaded operation
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
  readonly #busyLoop: number;
  readonly #utilization: () => number;
  #idleWaits = 0;
  #inlineLeft = 0;
  readonly #counts = { inline: 0, offloaded: 0 };

  constructor(options: OffloadPolicyOptions = {}) {
    this.#idleProbes = options.idleProbes ?? 8;
    this.#inlineRun = options.inlineRun ?? 512;
    this.#work = options.work ?? verificationsInFlight;
    this.#busyLoop = options.busyLoop ?? 0.75;
    if (options.utilization) {
      this.#utilization = options.utilization;
    } else {
      const loop = new LoopUtilization();
      this.#utilization = () => loop.current;
    }
  }

  /** Runs one operation: `inline()` now, or `offloaded()` on the pool, as the policy currently prefers. */
  run<T>(inline: () => T, offloaded: () => Promise<T>): Promise<T> {
    const loopHasTime = this.#loopHasTime();
    if (loopHasTime || this.#inlineLeft > 0) {
      if (!loopHasTime) this.#inlineLeft -= 1;
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
    return this.#inlineLeft > 0 || this.#loopHasTime();
  }

  /** Whether the event loop was recently below the `busyLoop` utilisation. */
  #loopHasTime(): boolean {
    return this.#busyLoop > 0 && this.#utilization() < this.#busyLoop;
  }

  /** Operations run so far on each side (diagnostics, docs/benchmarks.md). */
  get counts(): Readonly<{ inline: number; offloaded: number }> {
    return { ...this.#counts };
  }
}
