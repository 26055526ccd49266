import type { Challenge } from '../model/challenge.js';

/**
 * Single-use challenges. `consume` is atomic across every process sharing the
 * store: of any number of concurrent calls with one nonce, at most one gets the
 * record (SQLite: one DELETE … RETURNING statement; Redis: one GETDEL).
 */
export interface NonceStore {
  /** Stores a new challenge; a duplicate nonce is an error. */
  issue(challenge: Challenge): Promise<void>;
  /** Removes and returns the challenge if it exists and has not expired at `now`; otherwise null. */
  consume(nonce: string, now: number): Promise<Challenge | null>;
  /** Deletes challenges that expired before `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
