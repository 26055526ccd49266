import { describe, expect, it } from '@jest/globals';
import type { Storage } from '../../core/ports/storage.js';
import { policy, T0 } from './fixtures.js';

export function describePolicyStoreContract(current: () => Storage): void {
  describe('policies (PolicyStore)', () => {
    it('put of a new id creates it, stamped with now', async () => {
      const expected = { policy: policy('portal'), owner: 'rp-a', createdAt: T0, updatedAt: T0 };
      await expect(current().policies.put(policy('portal'), 'rp-a', T0)).resolves.toStrictEqual({ outcome: 'created', stored: expected });
      await expect(current().policies.get('portal')).resolves.toStrictEqual(expected);
    });

    it('put by the same owner replaces the body, keeps createdAt and moves updatedAt', async () => {
      await current().policies.put(policy('portal'), 'rp-a', T0);
      const replacement = policy('portal', 'https://other.example.com');
      const expected = { policy: replacement, owner: 'rp-a', createdAt: T0, updatedAt: T0 + 5000 };
      await expect(current().policies.put(replacement, 'rp-a', T0 + 5000)).resolves.toStrictEqual({ outcome: 'replaced', stored: expected });
      await expect(current().policies.get('portal')).resolves.toStrictEqual(expected);
    });

    it("put never replaces another owner's policy", async () => {
      await current().policies.put(policy('portal'), 'rp-a', T0);
      await expect(current().policies.put(policy('portal', 'https://evil.example.com'), 'rp-b', T0 + 1)).resolves.toStrictEqual({
        outcome: 'owned_by_other',
      });
      await expect(current().policies.get('portal')).resolves.toStrictEqual({ policy: policy('portal'), owner: 'rp-a', createdAt: T0, updatedAt: T0 });
    });

    it('get of an unknown id is null', async () => {
      await expect(current().policies.get('missing')).resolves.toBeNull();
    });

    it('list(owner) returns only that owner’s policies by id; list() returns all by id', async () => {
      for (const [id, owner] of [
        ['b', 'rp-a'],
        ['c', 'rp-b'],
        ['a', 'rp-a'],
        ['B', 'rp-b'],
        ['a-1', 'rp-a'],
      ] as const) {
        await current().policies.put(policy(id), owner, T0);
      }
      const ids = (stored: Array<{ policy: { id: string } }>) => stored.map((s) => s.policy.id);
      expect(ids(await current().policies.list('rp-a'))).toStrictEqual(['a', 'a-1', 'b']);
      expect(ids(await current().policies.list('rp-b'))).toStrictEqual(['B', 'c']);
      expect(ids(await current().policies.list())).toStrictEqual(['B', 'a', 'a-1', 'b', 'c']);
      await expect(current().policies.list('rp-none')).resolves.toStrictEqual([]);
      expect((await current().policies.list('rp-b'))[0]).toStrictEqual({ policy: policy('B'), owner: 'rp-b', createdAt: T0, updatedAt: T0 });
    });

    it('delete removes only a policy of the given owner', async () => {
      await current().policies.put(policy('mine'), 'rp-a', T0);
      await current().policies.put(policy('theirs'), 'rp-b', T0);
      await expect(current().policies.delete('theirs', 'rp-a')).resolves.toBe(false);
      await expect(current().policies.delete('mine', 'rp-a')).resolves.toBe(true);
      await expect(current().policies.delete('mine', 'rp-a')).resolves.toBe(false);
      await expect(current().policies.delete('unknown', 'rp-a')).resolves.toBe(false);
      await expect(current().policies.get('mine')).resolves.toBeNull();
      await expect(current().policies.get('theirs')).resolves.not.toBeNull();
      // The id is free again, for anyone.
      await expect(current().policies.put(policy('mine'), 'rp-b', T0 + 1)).resolves.toMatchObject({ outcome: 'created' });
    });

    it('stores copies: neither the input nor a returned policy can change what is stored', async () => {
      const input = policy('portal');
      const result = await current().policies.put(input, 'rp-a', T0);
      input.credentials[0]!.trustedIssuers!.push('did:web:input.example.com');
      if (result.outcome !== 'owned_by_other') result.stored.policy.audience = 'https://result.example.com';
      const read = await current().policies.get('portal');
      read!.policy.credentials.pop();
      (await current().policies.list())[0]!.policy.holderBinding = 'none';
      await expect(current().policies.get('portal')).resolves.toStrictEqual({ policy: policy('portal'), owner: 'rp-a', createdAt: T0, updatedAt: T0 });
    });
  });
}
