import { describe, expect, it } from '@jest/globals';
import type { Storage } from '../../core/ports/storage.js';
import { FAR_FUTURE, LONG_AGO, signingKey, T0 } from './fixtures.js';

export function describeSigningKeyStoreContract(current: () => Storage): void {
  describe('signing keys (SigningKeyStore)', () => {
    it('list is empty at first', async () => {
      await expect(current().signingKeys.list()).resolves.toStrictEqual([]);
    });

    it('insertIfNone inserts the first key and returns it', async () => {
      await expect(current().signingKeys.insertIfNone(signingKey('k1'))).resolves.toStrictEqual([signingKey('k1')]);
      await expect(current().signingKeys.list()).resolves.toStrictEqual([signingKey('k1')]);
    });

    it('insertIfNone twice keeps one key: the second start reads the first key', async () => {
      await current().signingKeys.insertIfNone(signingKey('k1'));
      await expect(current().signingKeys.insertIfNone(signingKey('k2', { createdAt: T0 + 1 }))).resolves.toStrictEqual([signingKey('k1')]);
      await expect(current().signingKeys.list()).resolves.toStrictEqual([signingKey('k1')]);
    });

    it('of concurrent insertIfNone calls exactly one key wins, and every caller sees it', async () => {
      const results = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((kid) => current().signingKeys.insertIfNone(signingKey(kid))));
      const winner = results[0]![0]!.kid;
      expect(results).toStrictEqual(Array.from({ length: 4 }, () => [signingKey(winner)]));
    });

    it('insertIfNone inserts when every stored key is retired', async () => {
      const retired = signingKey('old', { retiredAt: T0, expiresAt: FAR_FUTURE });
      await current().signingKeys.insertIfNone(retired);
      const fresh = signingKey('new', { createdAt: T0 + 1, activatesAt: T0 + 1 });
      await expect(current().signingKeys.insertIfNone(fresh)).resolves.toStrictEqual([retired, fresh]);
    });

    it('insertIfNone inserts when the only unretired key is past expiresAt (it is not usable)', async () => {
      await current().signingKeys.insertIfNone(signingKey('lapsed', { expiresAt: LONG_AGO }));
      await expect(current().signingKeys.insertIfNone(signingKey('next'))).resolves.toStrictEqual([signingKey('next')]);
    });

    it('list leaves out keys past expiresAt and orders the rest oldest first', async () => {
      // Inserted newest first; each insert is allowed because every earlier key is retired.
      const newest = signingKey('newest', { createdAt: T0 + 2, retiredAt: T0 + 3 });
      const expired = signingKey('expired', { createdAt: T0 + 1, retiredAt: T0 + 1, expiresAt: LONG_AGO });
      const oldest = signingKey('oldest', { createdAt: T0, retiredAt: T0 + 1, expiresAt: FAR_FUTURE });
      for (const key of [newest, expired, oldest]) await current().signingKeys.insertIfNone(key);
      await expect(current().signingKeys.list()).resolves.toStrictEqual([oldest, newest]);
    });

    it('stores copies: neither the input nor a returned key can change what is stored', async () => {
      const input = signingKey('k1');
      await current().signingKeys.insertIfNone(input);
      input.privateJwk.d = 'changed-input';
      (await current().signingKeys.list())[0]!.publicJwk.x = 'changed-result';
      await expect(current().signingKeys.list()).resolves.toStrictEqual([signingKey('k1')]);
    });
  });
}
