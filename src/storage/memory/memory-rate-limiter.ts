import type { RateDecision, RateLimiter } from '../../core/ports/rate-limiter.js';
import { fixedWindow, rateDecision } from '../fixed-window.js';

/** Counters kept at most; keys include client addresses and policy ids, which callers choose. */
export const MEMORY_RATE_LIMITER_MAX_KEYS = 100_000;

interface Counter {
  window: number;
  endsAt: number;
  count: number;
}

/**
 * Fixed-window counters in one process's memory: the rate limiter of a single
 * process (and the test double). With several processes each counts alone, so
 * the effective limit is the limit times the number of processes — set
 * REDIS_URL to share the counters.
 *
 * Bounded: past windows are swept when the map is full, and if every counter
 * is current the oldest is dropped (that key starts counting afresh) — an
 * attacker spraying addresses cannot grow the map without end.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, Counter>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly maxKeys: number = MEMORY_RATE_LIMITER_MAX_KEYS) {}

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    const window = fixedWindow(windowMs, now);
    let counter = this.counters.get(key);
    if (!counter || counter.window !== window.number) {
      this.counters.delete(key);
      this.makeRoom(now);
      counter = { window: window.number, endsAt: window.endsAt, count: 0 };
      this.counters.set(key, counter);
    }
    counter.count += 1;
    return rateDecision(counter.count, limit, window.endsAt, now);
  }

  /** How many counters are kept (for tests of the bound). */
  get size(): number {
    return this.counters.size;
  }

  private makeRoom(now: number): void {
    if (this.counters.size < this.maxKeys) return;
    // A full sweep at most once a second: when every counter is current, a flood of new keys
    // would otherwise pay a walk over the whole map each.
    if (now - this.lastSweep >= 1000) {
      this.lastSweep = now;
      for (const [key, counter] of this.counters) if (counter.endsAt <= now) this.counters.delete(key);
    }
    // Map iteration is insertion order: the first key is the longest-held counter.
    while (this.counters.size >= this.maxKeys) {
      const oldest = this.counters.keys().next();
      if (oldest.done) break;
      this.counters.delete(oldest.value);
    }
  }
}
