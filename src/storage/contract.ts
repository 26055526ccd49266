import { afterEach, beforeEach, describe } from '@jest/globals';
import type { Storage } from '../core/ports/storage.js';
import { describeAuditLogContract } from './contract/audit-log.contract.js';
import { describeNonceStoreContract } from './contract/nonce-store.contract.js';
import { describePolicyStoreContract } from './contract/policy-store.contract.js';
import { describeRelyingPartyStoreContract } from './contract/relying-party-store.contract.js';
import { describeSettingsStoreContract } from './contract/settings-store.contract.js';
import { describeSigningKeyStoreContract } from './contract/signing-key-store.contract.js';
import { describeStorageLifecycleContract } from './contract/storage-lifecycle.contract.js';

/**
 * The behaviour every Storage adapter must have (ARCHITECTURE rule 7), as jest
 * tests. `open` must return a fresh, empty storage for each test; it is closed
 * after each test. Call it at the top level of a spec file, once per adapter.
 *
 * Failures are asserted by their `message`, not with `toThrow`: jest runs each
 * spec file in its own realm, while a native addon (better-sqlite3) keeps
 * creating errors from the realm that loaded it first, so `instanceof Error`
 * is false for them in every later spec file of the same worker.
 */
export function describeStorageContract(name: string, open: () => Promise<Storage> | Storage): void {
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

    describeNonceStoreContract(current);
    describePolicyStoreContract(current);
    describeRelyingPartyStoreContract(current);
    describeSigningKeyStoreContract(current);
    describeSettingsStoreContract(current);
    describeAuditLogContract(current);
    describeStorageLifecycleContract(current);
  });
}
