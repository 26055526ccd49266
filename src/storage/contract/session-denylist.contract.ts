import { describe, expect, it } from '@jest/globals';
import type { Storage } from '../../core/ports/storage.js';
import { T0 } from './fixtures.js';

export function describeSessionDenylistContract(current: () => Storage): void {
  describe('revoked session tokens (SessionDenylist)', () => {
    it('an unknown jti is not revoked', async () => {
      await expect(current().sessionDenylist.isRevoked('jti-unknown', T0)).resolves.toBe(false);
    });

    it('a revoked jti is denied until expiresAt, not from expiresAt on, and other jtis stay allowed', async () => {
      await current().sessionDenylist.revoke('jti-a', T0 + 1000);
      await expect(current().sessionDenylist.isRevoked('jti-a', T0)).resolves.toBe(true);
      await expect(current().sessionDenylist.isRevoked('jti-a', T0 + 999)).resolves.toBe(true);
      await expect(current().sessionDenylist.isRevoked('jti-a', T0 + 1000)).resolves.toBe(false);
      await expect(current().sessionDenylist.isRevoked('jti-b', T0)).resolves.toBe(false);
    });

    it('revoking twice is idempotent and keeps the later expiry: a second revocation never shortens the first', async () => {
      await current().sessionDenylist.revoke('jti-a', T0 + 5000);
      await current().sessionDenylist.revoke('jti-a', T0 + 1000);
      await expect(current().sessionDenylist.isRevoked('jti-a', T0 + 4999)).resolves.toBe(true);
      await current().sessionDenylist.revoke('jti-a', T0 + 9000);
      await expect(current().sessionDenylist.isRevoked('jti-a', T0 + 8999)).resolves.toBe(true);
      await expect(current().sessionDenylist.purgeExpired(T0 + 9000)).resolves.toBe(1);
    });

    it('concurrent revocations of one jti all succeed and leave one entry', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => current().sessionDenylist.revoke('jti-c', T0 + 1000 + i)));
      await expect(current().sessionDenylist.isRevoked('jti-c', T0 + 1008)).resolves.toBe(true);
      await expect(current().sessionDenylist.purgeExpired(T0 + 10_000)).resolves.toBe(1);
    });

    it('purgeExpired deletes entries with expiresAt <= now, counts them, and keeps the rest in force', async () => {
      await expect(current().sessionDenylist.purgeExpired(T0)).resolves.toBe(0);
      for (const [jti, expiresAt] of [
        ['p1', T0 + 100],
        ['p2', T0 + 200],
        ['p3', T0 + 300],
      ] as const) {
        await current().sessionDenylist.revoke(jti, expiresAt);
      }
      await expect(current().sessionDenylist.purgeExpired(T0 + 200)).resolves.toBe(2);
      // Asked with an earlier clock (another replica's), a purged entry is gone, not merely expired.
      await expect(current().sessionDenylist.isRevoked('p1', T0)).resolves.toBe(false);
      await expect(current().sessionDenylist.isRevoked('p2', T0)).resolves.toBe(false);
      await expect(current().sessionDenylist.isRevoked('p3', T0)).resolves.toBe(true);
    });

    it('stores any jti as opaque text, including long and non-ASCII ones', async () => {
      const odd = ['x'.repeat(512), 'jti with spaces', 'ünïcødé-\u{1F511}', 'quote\'"; DROP TABLE session_denylist; --'];
      for (const jti of odd) await current().sessionDenylist.revoke(jti, T0 + 1000);
      for (const jti of odd) await expect(current().sessionDenylist.isRevoked(jti, T0)).resolves.toBe(true);
      await expect(current().sessionDenylist.isRevoked('x'.repeat(511), T0)).resolves.toBe(false);
    });
  });
}
