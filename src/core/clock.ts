/** Time as a port, so tests can freeze it (docs/architecture.md "House rules" 8). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stands still at `ms` until moved; for tests. */
export function fixedClock(ms: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let current = ms;
  return {
    now: () => current,
    set: (next: number) => {
      current = next;
    },
    advance: (delta: number) => {
      current += delta;
    },
  };
}
