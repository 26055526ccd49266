import { describe, expect, it } from '@jest/globals';
import type { Storage } from '../../core/ports/storage.js';
import { challenge, T0 } from './fixtures.js';

export function describeNonceStoreContract(current: () => Storage): void {
  describe('challenges (NonceStore)', () => {
    it('consume returns the issued challenge once, then null', async () => {
      const issued = challenge('nonce-a');
      await current().challenges.issue(issued);
      await expect(current().challenges.consume('nonce-a', T0 + 1)).resolves.toStrictEqual(issued);
      await expect(current().challenges.consume('nonce-a', T0 + 2)).resolves.toBeNull();
    });

    it('keeps the policy owner a challenge was issued for, and its absence (issue 11)', async () => {
      const owned = challenge('nonce-owned', { policyOwner: 'shop' });
      const operator = challenge('nonce-operator', { policyOwner: '@operator' });
      for (const c of [owned, operator]) await current().challenges.issue(c);
      await expect(current().challenges.consume('nonce-owned', T0 + 1)).resolves.toStrictEqual(owned);
      await expect(current().challenges.consume('nonce-operator', T0 + 1)).resolves.toStrictEqual(operator);
    });

    it('consume of an unknown nonce is null and leaves other challenges alone', async () => {
      await current().challenges.issue(challenge('nonce-a'));
      await expect(current().challenges.consume('nonce-b', T0)).resolves.toBeNull();
      await expect(current().challenges.consume('nonce-a', T0)).resolves.toStrictEqual(challenge('nonce-a'));
    });

    it('a challenge is expired from expiresAt on, and an expired consume uses it up', async () => {
      await current().challenges.issue(challenge('edge', { expiresAt: T0 + 1000 }));
      await current().challenges.issue(challenge('late', { expiresAt: T0 + 1000 }));
      await expect(current().challenges.consume('edge', T0 + 999)).resolves.toStrictEqual(challenge('edge', { expiresAt: T0 + 1000 }));
      await expect(current().challenges.consume('late', T0 + 1000)).resolves.toBeNull();
      // Gone, not merely refused: an earlier clock (another replica's) cannot revive it.
      await expect(current().challenges.consume('late', T0)).resolves.toBeNull();
      await expect(current().challenges.purgeExpired(T0 + 10_000)).resolves.toBe(0);
    });

    it('of concurrent consumes of one nonce exactly one gets the challenge', async () => {
      await current().challenges.issue(challenge('contended'));
      const results = await Promise.all(Array.from({ length: 10 }, () => current().challenges.consume('contended', T0)));
      expect(results.filter((result) => result !== null)).toStrictEqual([challenge('contended')]);
    });

    it('issuing a nonce twice fails and keeps the first challenge', async () => {
      await current().challenges.issue(challenge('dup', { policyId: 'first' }));
      await expect(current().challenges.issue(challenge('dup', { policyId: 'second' }))).rejects.toHaveProperty('message', expect.any(String));
      await expect(current().challenges.consume('dup', T0)).resolves.toStrictEqual(challenge('dup', { policyId: 'first' }));
    });

    it('purgeExpired deletes challenges with expiresAt <= now and counts them', async () => {
      await expect(current().challenges.purgeExpired(T0)).resolves.toBe(0);
      for (const [nonce, expiresAt] of [
        ['p1', T0 + 100],
        ['p2', T0 + 200],
        ['p3', T0 + 300],
      ] as const) {
        await current().challenges.issue(challenge(nonce, { expiresAt }));
      }
      await expect(current().challenges.purgeExpired(T0 + 200)).resolves.toBe(2);
      await expect(current().challenges.consume('p1', T0)).resolves.toBeNull();
      await expect(current().challenges.consume('p2', T0)).resolves.toBeNull();
      await expect(current().challenges.consume('p3', T0)).resolves.toStrictEqual(challenge('p3', { expiresAt: T0 + 300 }));
    });

    it('stores a copy: changing the issued object afterwards changes nothing', async () => {
      const issued = challenge('copied');
      await current().challenges.issue(issued);
      issued.policyId = 'tampered';
      issued.expiresAt = T0 + 1_000_000;
      await expect(current().challenges.consume('copied', T0)).resolves.toStrictEqual(challenge('copied'));
    });
  });
}
