import { describe, expect, it } from '@jest/globals';
import type { Storage } from '../../core/ports/storage.js';
import { FAR_FUTURE, LONG_AGO, signingKey, T0 } from './fixtures.js';

const MINUTE = 60_000;
/** What a retired key stays published for in these tests. */
const RETAIN = 60 * MINUTE;

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

    it('list(now) judges expiry at the given time: listed while expiresAt > now', async () => {
      const key = signingKey('k1', { retiredAt: T0 + 5, expiresAt: T0 + 10 });
      await current().signingKeys.insertIfNone(key);
      await expect(current().signingKeys.list(T0 + 9)).resolves.toStrictEqual([key]);
      await expect(current().signingKeys.list(T0 + 10)).resolves.toStrictEqual([]);
    });

    it('rotate with a lead time publishes the next key now and retires the current one when the next activates', async () => {
      await current().signingKeys.insertIfNone(signingKey('k1'));
      const now = T0 + MINUTE;
      const next = signingKey('k2', { createdAt: now, activatesAt: now + 10 * MINUTE });
      const result = await current().signingKeys.rotate({ next, now, retainMs: RETAIN, unlessActivatedAfter: now });
      const retired = signingKey('k1', { retiredAt: now + 10 * MINUTE, expiresAt: now + 10 * MINUTE + RETAIN });
      expect(result).toStrictEqual({ rotated: true, keys: [retired, next] });
      await expect(current().signingKeys.list(now)).resolves.toStrictEqual([retired, next]);
    });

    it('a rotation guarded by unlessActivatedAfter does nothing while another key is pending or newer', async () => {
      await current().signingKeys.insertIfNone(signingKey('k1'));
      const now = T0 + MINUTE;
      const pending = signingKey('k2', { createdAt: now, activatesAt: now + 10 * MINUTE });
      await current().signingKeys.rotate({ next: pending, now, retainMs: RETAIN, unlessActivatedAfter: now });
      const before = await current().signingKeys.list(now + 1);
      const again = signingKey('k3', { createdAt: now + 1, activatesAt: now + 1 + 10 * MINUTE });
      await expect(current().signingKeys.rotate({ next: again, now: now + 1, retainMs: RETAIN, unlessActivatedAfter: now + 1 })).resolves.toStrictEqual({
        rotated: false,
        keys: before,
      });
      // A schedule (threshold = now - interval) finds k2 newer than the threshold, also after it activated.
      const later = now + 20 * MINUTE;
      const scheduled = signingKey('k4', { createdAt: later, activatesAt: later + 10 * MINUTE });
      await expect(
        current().signingKeys.rotate({ next: scheduled, now: later, retainMs: RETAIN, unlessActivatedAfter: later - 30 * MINUTE }),
      ).resolves.toMatchObject({ rotated: false });
      await expect(current().signingKeys.list(later)).resolves.toStrictEqual(before);
    });

    it('a scheduled rotation happens once the newest key activated at or before the threshold', async () => {
      await current().signingKeys.insertIfNone(signingKey('k1'));
      const interval = 30 * MINUTE;
      const early = signingKey('early', { createdAt: T0 + interval - 1, activatesAt: T0 + interval - 1 + MINUTE });
      await expect(
        current().signingKeys.rotate({ next: early, now: T0 + interval - 1, retainMs: RETAIN, unlessActivatedAfter: T0 - 1 }),
      ).resolves.toMatchObject({ rotated: false });
      const due = signingKey('due', { createdAt: T0 + interval, activatesAt: T0 + interval + MINUTE });
      const result = await current().signingKeys.rotate({ next: due, now: T0 + interval, retainMs: RETAIN, unlessActivatedAfter: T0 });
      expect(result.rotated).toBe(true);
      expect(result.keys.map((k) => k.kid)).toStrictEqual(['k1', 'due']);
    });

    it('an immediate rotation supersedes a pending key (it never signs) and retires the signing key now', async () => {
      await current().signingKeys.insertIfNone(signingKey('k1'));
      const t1 = T0 + MINUTE;
      await current().signingKeys.rotate({
        next: signingKey('pending', { createdAt: t1, activatesAt: t1 + 10 * MINUTE }),
        now: t1,
        retainMs: RETAIN,
        unlessActivatedAfter: t1,
      });
      const t2 = t1 + MINUTE;
      const urgent = signingKey('urgent', { createdAt: t2, activatesAt: t2 });
      const result = await current().signingKeys.rotate({ next: urgent, now: t2, retainMs: RETAIN });
      const k1 = signingKey('k1', { retiredAt: t2, expiresAt: t2 + RETAIN });
      // Retired before it activated; published until RETAIN after its would-be activation, for replicas that have not reloaded.
      const superseded = signingKey('pending', { createdAt: t1, activatesAt: t1 + 10 * MINUTE, retiredAt: t2, expiresAt: t1 + 10 * MINUTE + RETAIN });
      expect(result).toStrictEqual({ rotated: true, keys: [k1, superseded, urgent] });
      await expect(current().signingKeys.list(t1 + 10 * MINUTE + RETAIN)).resolves.toStrictEqual([urgent]);
      // Superseded keys never count as newer: a guarded rotation after the urgent key's interval goes ahead.
      const later = t2 + 30 * MINUTE;
      await expect(
        current().signingKeys.rotate({
          next: signingKey('k4', { createdAt: later, activatesAt: later }),
          now: later,
          retainMs: RETAIN,
          unlessActivatedAfter: t2,
        }),
      ).resolves.toMatchObject({ rotated: true });
    });

    it('a rotation leaves keys retired before the switch as they are', async () => {
      const old = signingKey('old', { retiredAt: T0 + MINUTE, expiresAt: T0 + RETAIN });
      await current().signingKeys.insertIfNone(old);
      await current().signingKeys.insertIfNone(signingKey('k1', { createdAt: T0 + 1, activatesAt: T0 + MINUTE }));
      const now = T0 + 2 * MINUTE;
      const next = signingKey('k2', { createdAt: now, activatesAt: now });
      const result = await current().signingKeys.rotate({ next, now, retainMs: RETAIN });
      expect(result.keys).toStrictEqual([
        old,
        signingKey('k1', { createdAt: T0 + 1, activatesAt: T0 + MINUTE, retiredAt: now, expiresAt: now + RETAIN }),
        next,
      ]);
    });

    it('of concurrent guarded rotations exactly one rotates, and every caller sees the same keys', async () => {
      await current().signingKeys.insertIfNone(signingKey('k1'));
      const now = T0 + MINUTE;
      const results = await Promise.all(
        ['r1', 'r2', 'r3', 'r4'].map((kid) =>
          current().signingKeys.rotate({
            next: signingKey(kid, { createdAt: now, activatesAt: now + MINUTE }),
            now,
            retainMs: RETAIN,
            unlessActivatedAfter: now,
          }),
        ),
      );
      expect(results.filter((r) => r.rotated)).toHaveLength(1);
      const listed = await current().signingKeys.list(now);
      expect(listed).toHaveLength(2);
      for (const result of results) expect(result.keys).toStrictEqual(listed);
    });

    it('a rotation whose next kid is taken fails and changes nothing', async () => {
      await current().signingKeys.insertIfNone(signingKey('k1'));
      const now = T0 + MINUTE;
      await expect(
        current().signingKeys.rotate({ next: signingKey('k1', { createdAt: now, activatesAt: now }), now, retainMs: RETAIN }),
      ).rejects.toHaveProperty('message', expect.any(String));
      await expect(current().signingKeys.list(now)).resolves.toStrictEqual([signingKey('k1')]);
    });

    it('deleteExpired removes keys past expiresAt, private keys and all, and counts them', async () => {
      await current().signingKeys.insertIfNone(signingKey('k1'));
      const now = T0 + MINUTE;
      await current().signingKeys.rotate({ next: signingKey('k2', { createdAt: now, activatesAt: now }), now, retainMs: RETAIN });
      await expect(current().signingKeys.deleteExpired(now + RETAIN - 1)).resolves.toBe(0);
      await expect(current().signingKeys.deleteExpired(now + RETAIN)).resolves.toBe(1);
      // Gone, not merely hidden: an earlier clock does not bring it back.
      await expect(current().signingKeys.list(T0)).resolves.toStrictEqual([signingKey('k2', { createdAt: now, activatesAt: now })]);
      await expect(current().signingKeys.deleteExpired(FAR_FUTURE)).resolves.toBe(0);
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
