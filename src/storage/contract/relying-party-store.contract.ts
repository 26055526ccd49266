import { describe, expect, it } from '@jest/globals';
import type { Storage } from '../../core/ports/storage.js';
import { relyingParty } from './fixtures.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

export function describeRelyingPartyStoreContract(current: () => Storage): void {
  describe('relying parties (RelyingPartyStore)', () => {
    it('create stores a party readable by id and by API key hash', async () => {
      await expect(current().relyingParties.create(relyingParty('shop', HASH_A))).resolves.toStrictEqual({ outcome: 'created' });
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
      await expect(current().relyingParties.create({ ...relyingParty('shop', HASH_B), name: 'Impostor' })).resolves.toStrictEqual({ outcome: 'id_taken' });
      await expect(current().relyingParties.create(relyingParty('shop', HASH_A))).resolves.toStrictEqual({ outcome: 'id_taken' });
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

    describe('audiences (issue 11: an audience belongs to one relying party)', () => {
      const SHOP = 'https://shop.example.com';
      const API = 'https://api.example.com';

      it('create claims the audiences; get, list and findByApiKeyHash return them sorted with callback origins and logo', async () => {
        const shop = relyingParty('shop', HASH_A, {
          audiences: [SHOP, API],
          callbackOrigins: ['https://z.example.com', 'https://a.example.com'],
          logoUri: 'https://shop.example.com/logo.png',
        });
        await expect(current().relyingParties.create(shop)).resolves.toStrictEqual({ outcome: 'created' });
        const expected = { ...shop, audiences: [API, SHOP], callbackOrigins: ['https://a.example.com', 'https://z.example.com'] };
        await expect(current().relyingParties.get('shop')).resolves.toStrictEqual(expected);
        await expect(current().relyingParties.findByApiKeyHash(HASH_A)).resolves.toStrictEqual(expected);
        await expect(current().relyingParties.list()).resolves.toStrictEqual([expected]);
        await expect(current().relyingParties.findByAudience(SHOP)).resolves.toBe('shop');
        await expect(current().relyingParties.findByAudience(API)).resolves.toBe('shop');
        await expect(current().relyingParties.findByAudience('https://nobody.example.com')).resolves.toBeNull();
      });

      it('create with an audience another party holds writes nothing and names the holder', async () => {
        await current().relyingParties.create(relyingParty('shop', HASH_A, { audiences: [SHOP] }));
        await expect(current().relyingParties.create(relyingParty('squatter', HASH_B, { audiences: [API, SHOP] }))).resolves.toStrictEqual({
          outcome: 'audience_taken',
          audience: SHOP,
          holder: 'shop',
        });
        await expect(current().relyingParties.get('squatter')).resolves.toBeNull();
        await expect(current().relyingParties.findByAudience(API)).resolves.toBeNull();
        await expect(current().relyingParties.findByApiKeyHash(HASH_B)).resolves.toBeNull();
      });

      it('concurrent creates claiming one audience: exactly one wins', async () => {
        const results = await Promise.all(
          ['a', 'b', 'c', 'd'].map((id, i) => current().relyingParties.create(relyingParty(id, String(i).repeat(64), { audiences: [SHOP] }))),
        );
        expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
        expect(results.filter((r) => r.outcome === 'audience_taken')).toHaveLength(3);
        expect((await current().relyingParties.list()).map((rp) => rp.audiences)).toStrictEqual([[SHOP]]);
      });

      it('list is in id order', async () => {
        for (const [id, hash] of [
          ['zeta', HASH_A],
          ['alpha', HASH_B],
        ] as const)
          await current().relyingParties.create(relyingParty(id, hash));
        expect((await current().relyingParties.list()).map((rp) => rp.id)).toStrictEqual(['alpha', 'zeta']);
      });

      it('update changes name, audiences, callback origins, logo and key hash; released audiences are free again', async () => {
        await current().relyingParties.create(relyingParty('shop', HASH_A, { audiences: [SHOP], logoUri: 'https://shop.example.com/a.png' }));
        const updated = await current().relyingParties.update('shop', {
          name: 'Shop',
          audiences: [API],
          callbackOrigins: ['https://cb.example.com'],
          logoUri: null,
          apiKeyHash: HASH_B,
        });
        const expected = {
          id: 'shop',
          name: 'Shop',
          apiKeyHash: HASH_B,
          createdAt: relyingParty('shop', HASH_A).createdAt,
          audiences: [API],
          callbackOrigins: ['https://cb.example.com'],
        };
        expect(updated).toStrictEqual({ outcome: 'updated', relyingParty: expected });
        await expect(current().relyingParties.get('shop')).resolves.toStrictEqual(expected);
        await expect(current().relyingParties.findByApiKeyHash(HASH_A)).resolves.toBeNull();
        await expect(current().relyingParties.findByApiKeyHash(HASH_B)).resolves.toStrictEqual(expected);
        await expect(current().relyingParties.findByAudience(SHOP)).resolves.toBeNull();
        await expect(current().relyingParties.findByAudience(API)).resolves.toBe('shop');
        await expect(current().relyingParties.create(relyingParty('other', 'c'.repeat(64), { audiences: [SHOP] }))).resolves.toStrictEqual({
          outcome: 'created',
        });
      });

      it('update keeps what it is not given, and refuses an audience another party holds without writing anything', async () => {
        await current().relyingParties.create(relyingParty('shop', HASH_A, { audiences: [SHOP], logoUri: 'https://shop.example.com/a.png' }));
        await current().relyingParties.create(relyingParty('api', HASH_B, { audiences: [API] }));
        await expect(current().relyingParties.update('shop', { name: 'Renamed' })).resolves.toMatchObject({
          relyingParty: { name: 'Renamed', audiences: [SHOP], logoUri: 'https://shop.example.com/a.png' },
        });
        await expect(current().relyingParties.update('shop', { audiences: [SHOP, API], name: 'Squat' })).resolves.toStrictEqual({
          outcome: 'audience_taken',
          audience: API,
          holder: 'api',
        });
        await expect(current().relyingParties.get('shop')).resolves.toMatchObject({ name: 'Renamed', audiences: [SHOP] });
        await expect(current().relyingParties.findByAudience(API)).resolves.toBe('api');
        await expect(current().relyingParties.update('missing', { name: 'x' })).resolves.toStrictEqual({ outcome: 'not_found' });
      });
    });
  });
}
