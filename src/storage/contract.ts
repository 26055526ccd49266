import { afterEach, beforeEach, describe } from '@jest/globals';
import type { Storage } from '../core/ports/storage.js';
import { describeAuditLogContract } from './contract/audit-log.contract.js';
import { describeNonceStoreContract } from './contract/nonce-store.contract.js';
import { describeOid4vpRequestStoreContract } from './contract/oid4vp-request-store.contract.js';
import { describePolicyStoreContract } from './contract/policy-store.contract.js';
import { describeRateLimiterContract } from './contract/rate-limiter.contract.js';
import { describeRelyingPartyStoreContract } from './contract/relying-party-store.contract.js';
import { describeSessionDenylistContract } from './contract/session-denylist.contract.js';
import { describeSettingsStoreContract } from './contract/settings-store.contract.js';
import { describeSigningKeyStoreContract } from './contract/signing-key-store.contract.js';
import { describeStorageLifecycleContract } from './contract/storage-lifecycle.contract.js';

/**
 * The contract, part by part: one per port, plus ping/close. An adapter list
 * entry names the parts its storage provides — all but the optional
 * `rateLimiter` for a database, only the Redis-backed ones for Redis.
 * Append new ports here.
 */
const CONTRACT_PARTS = {
  challenges: describeNonceStoreContract,
  policies: describePolicyStoreContract,
  relyingParties: describeRelyingPartyStoreContract,
  signingKeys: describeSigningKeyStoreContract,
  settings: describeSettingsStoreContract,
  auditLog: describeAuditLogContract,
  sessionDenylist: describeSessionDenylistContract,
  rateLimiter: describeRateLimiterContract,
  oid4vpRequests: describeOid4vpRequestStoreContract,
  lifecycle: describeStorageLifecycleContract,
} satisfies Record<string, (current: () => Storage) => void>;

export type StorageContractPart = keyof typeof CONTRACT_PARTS;
export const ALL_CONTRACT_PARTS = Object.keys(CONTRACT_PARTS) as StorageContractPart[];

/**
 * The behaviour every Storage adapter must have (docs/architecture.md "House rules" 7), as jest
 * tests. `open` must return a fresh, empty storage for each test; it is closed
 * after each test. Call it at the top level of a spec file, once per adapter,
 * with the `parts` that adapter provides (default: every part).
 *
 * Failures are asserted by their `message`, not with `toThrow`: jest runs each
 * spec file in its own realm, while a native addon (better-sqlite3) keeps
 * creating errors from the realm that loaded it first, so `instanceof Error`
 * is false for them in every later spec file of the same worker.
 */
export function describeStorageContract(
  name: string,
  open: () => Promise<Storage> | Storage,
  parts: readonly StorageContractPart[] = ALL_CONTRACT_PARTS,
): void {
  describe(`${name} storage contract`, () => {
    let storage: Storage | undefined;
    const current = (): Storage => {
      if (!storage) throw new Error('storage is not open');
      return storage;
    };

    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage?.close();
      storage = undefined;
    });

    for (const part of parts) CONTRACT_PARTS[part](current);
  });
}
