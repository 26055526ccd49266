import { describe, expect, it } from '@jest/globals';
import type { Storage } from '../../core/ports/storage.js';
import { relyingParty } from './fixtures.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

export function describeRelyingPartyStoreContract(current: () => Storage): void {
  describe('relying parties (RelyingPartyStore)', () => {
    it('create stores a party readable by id and by API key hash', async () => {
      await expect(current().relyingParties.create(relyingParty('shop', HASH_A))).resolves.toBe(true);
      await expect(current().relyingParties.get('shop')).resolves.toStrictEqual(relyingParty('shop', HASH_A));
      await expect(current().relyingParties.findByApiKeyHash(HASH_A)).resolves.toStrictEqual(relyingParty('shop', HASH_A));
    });

    it('unknown id or hash is null', async () => {
      await current().relyingParties.create(relyingParty('shop', HASH_A));
      await expect(current().relyingParties.get('other')).resolves.toBeNull();
      await expect(current().relyingParties.findByApiKeyHash(HASH_B)).resolves.toBeNull();
    });

    it('create with a taken id returns false and keeps the first party', async () => {
      await current().relyingParties.create(relyingParty('shop', HASH_A));
      await expect(current().relyingParties.create({ ...relyingParty('shop', HASH_B), name: 'Impostor' })).resolves.toBe(false);
      await expect(current().relyingParties.create(relyingParty('shop', HASH_A))).resolves.toBe(false);
      await expect(current().relyingParties.get('shop')).resolves.toStrictEqual(relyingParty('shop', HASH_A));
      await expect(current().relyingParties.findByApiKeyHash(HASH_B)).resolves.toBeNull();
    });

    it('create with another party’s API key hash fails and stores nothing', async () => {
      await current().relyingParties.create(relyingParty('shop', HASH_A));
      await expect(current().relyingParties.create(relyingParty('bank', HASH_A))).rejects.toHaveProperty('message', expect.any(String));
      await expect(current().relyingParties.get('bank')).resolves.toBeNull();
      await expect(current().relyingParties.findByApiKeyHash(HASH_A)).resolves.toStrictEqual(relyingParty('shop', HASH_A));
    });

    it('stores copies: neither the input nor a returned party can change what is stored', async () => {
      const input = relyingParty('shop', HASH_A);
      await current().relyingParties.create(input);
      input.name = 'changed input';
      (await current().relyingParties.get('shop'))!.name = 'changed result';
      (await current().relyingParties.findByApiKeyHash(HASH_A))!.apiKeyHash = HASH_B;
      await expect(current().relyingParties.get('shop')).resolves.toStrictEqual(relyingParty('shop', HASH_A));
      await expect(current().relyingParties.findByApiKeyHash(HASH_A)).resolves.toStrictEqual(relyingParty('shop', HASH_A));
    });
  });
}
