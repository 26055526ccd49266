import type { Oid4vpRequestRecord } from '../model/oid4vp-request.js';

/**
 * OpenID4VP requests (src/oid4vp). Transitions are compare-and-set on
 * `version`: of two processes replacing the same version, exactly one
 * succeeds, so one authorization response wins and a result is released once.
 */
export interface Oid4vpRequestStore {
  /** Inserts a new record (version 1); a duplicate id is an error. */
  create(record: Oid4vpRequestRecord): Promise<void>;
  get(id: string): Promise<Oid4vpRequestRecord | null>;
  /**
   * Replaces the record `next.id` with `next` (whose version must be
   * `expectedVersion + 1`) if its stored version is `expectedVersion`;
   * returns false (changing nothing) otherwise, or when the record is gone.
   */
  replace(next: Oid4vpRequestRecord, expectedVersion: number): Promise<boolean>;
  /** Deletes records whose `purgeAt` <= now (their encryption keys with them); returns how many. */
  purgeExpired(now: number): Promise<number>;
}
