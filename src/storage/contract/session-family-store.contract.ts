import { describe, expect, it } from '@jest/globals';
import { MAX_FAMILY_ACCESS_TOKENS, type FamilyRotation, type SessionFamily } from '../../core/ports/session-family-store.js';
import type { Storage } from '../../core/ports/storage.js';
import { T0 } from './fixtures.js';

/** A family using every optional member, so a round trip through storage has something to lose. */
export function sessionFamily(id: string, overrides: Partial<SessionFamily> = {}): SessionFamily {
  return {
    id,
    clientId: 'acme',
    subject: 'did:key:z6MkholderA',
    policyId: 'employee-portal',
    audience: 'https://orders.example.com',
    scope: 'orders:read',
    accessTtl: 300,
    authenticatedClient: 'acme',
    dpopJkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    recheck: 'status',
    idleTtl: 3600,
    credentials: [
      {
        issuer: 'did:web:hr.example.com',
        status: [
          { type: 'BitstringStatusListEntry', statusListCredential: 'https://hr.example.com/status/1', statusListIndex: '94567', statusPurpose: 'revocation' },
        ],
        statusSetting: 'required',
        expiresAt: 1_900_000_000,
      },
      { issuer: 'https://issuer.example', status: [], statusSetting: 'optional' },
    ],
    sealedClaims: 'sealed-0',
    currentTokenHash: `hash-${id}-0`,
    generation: 0,
    createdAt: T0,
    idleExpiresAt: T0 + 3_600_000,
    absoluteExpiresAt: T0 + 86_400_000,
    accessTokens: [{ jti: `jti-${id}-0`, expiresAt: T0 + 300_000 }],
    ...overrides,
  };
}

function rotation(from: string, to: string, overrides: Partial<FamilyRotation> = {}): FamilyRotation {
  return {
    expectedHash: from,
    nextHash: to,
    sealedClaims: `sealed-${to}`,
    idleExpiresAt: T0 + 7_200_000,
    accessToken: { jti: `jti-${to}`, expiresAt: T0 + 600_000 },
    now: T0 + 60_000,
    ...overrides,
  };
}

export function describeSessionFamilyStoreContract(current: () => Storage): void {
  describe('session families (SessionFamilyStore)', () => {
    const store = () => current().sessionFamilies;

    it('finds a created family by its live token hash, every member intact; an unknown hash is null', async () => {
      const family = sessionFamily('f1');
      await store().create(family);
      await expect(store().findByTokenHash('hash-f1-0')).resolves.toStrictEqual({ family });
      await expect(store().findByTokenHash('hash-unknown')).resolves.toBeNull();
    });

    it('keeps a family without the optional members without inventing them', async () => {
      const { authenticatedClient: _a, dpopJkt: _d, ...bare } = sessionFamily('f-bare');
      await store().create(bare);
      await expect(store().findByTokenHash('hash-f-bare-0')).resolves.toStrictEqual({ family: bare });
    });

    it('refuses a second family with the same id or live hash', async () => {
      await store().create(sessionFamily('f1'));
      await expect(store().create(sessionFamily('f1', { currentTokenHash: 'other' }))).rejects.toBeDefined();
      await expect(store().create(sessionFamily('f2', { currentTokenHash: 'hash-f1-0' }))).rejects.toBeDefined();
    });

    it('rotate swaps the live hash, remembers the old one as rotated at now, and bumps the generation', async () => {
      await store().create(sessionFamily('f1'));
      await expect(store().rotate('f1', rotation('hash-f1-0', 'hash-f1-1'))).resolves.toBe(true);
      const old = await store().findByTokenHash('hash-f1-0');
      expect(old?.rotatedAt).toBe(T0 + 60_000);
      const live = await store().findByTokenHash('hash-f1-1');
      expect(live?.rotatedAt).toBeUndefined();
      expect(live?.family).toMatchObject({ currentTokenHash: 'hash-f1-1', generation: 1, sealedClaims: 'sealed-hash-f1-1', idleExpiresAt: T0 + 7_200_000 });
      expect(live?.family.accessTokens.map((t) => t.jti)).toStrictEqual(['jti-f1-0', 'jti-hash-f1-1']);
    });

    it('rotate refuses a stale expected hash, an unknown family and an ended family', async () => {
      await store().create(sessionFamily('f1'));
      await store().rotate('f1', rotation('hash-f1-0', 'hash-f1-1'));
      await expect(store().rotate('f1', rotation('hash-f1-0', 'hash-f1-x'))).resolves.toBe(false);
      await expect(store().rotate('nope', rotation('hash-f1-1', 'hash-f1-y'))).resolves.toBe(false);
      await store().end('f1', 'revoked', T0 + 1);
      await expect(store().rotate('f1', rotation('hash-f1-1', 'hash-f1-2'))).resolves.toBe(false);
      await expect(store().findByTokenHash('hash-f1-x')).resolves.toBeNull();
    });

    it('of concurrent rotations of one live token exactly one wins', async () => {
      await store().create(sessionFamily('f1'));
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store().rotate('f1', rotation('hash-f1-0', `hash-f1-c${i}`))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await store().findByTokenHash(`hash-f1-c${winner}`))?.family.generation).toBe(1);
      for (let i = 0; i < 8; i += 1) if (i !== winner) await expect(store().findByTokenHash(`hash-f1-c${i}`)).resolves.toBeNull();
    });

    it('drops expired access tokens on rotation and keeps at most the newest MAX_FAMILY_ACCESS_TOKENS', async () => {
      await store().create(sessionFamily('f1'));
      let hash = 'hash-f1-0';
      for (let i = 1; i <= MAX_FAMILY_ACCESS_TOKENS + 2; i += 1) {
        await store().rotate('f1', rotation(hash, `hash-f1-${i}`, { now: T0 + 60_000 }));
        hash = `hash-f1-${i}`;
      }
      const tokens = (await store().findByTokenHash(hash))?.family.accessTokens ?? [];
      expect(tokens).toHaveLength(MAX_FAMILY_ACCESS_TOKENS);
      expect(tokens.at(-1)?.jti).toBe(`jti-${hash}`);
      await store().rotate('f1', rotation(hash, 'hash-late', { now: T0 + 700_000, accessToken: { jti: 'late', expiresAt: T0 + 1_000_000 } }));
      expect((await store().findByTokenHash('hash-late'))?.family.accessTokens).toStrictEqual([{ jti: 'late', expiresAt: T0 + 1_000_000 }]);
    });

    it('end ends once: the first call returns the family as it was, later calls null; the end is visible through every hash', async () => {
      await store().create(sessionFamily('f1'));
      await store().rotate('f1', rotation('hash-f1-0', 'hash-f1-1'));
      const ended = await store().end('f1', 'refresh_reused', T0 + 90_000);
      expect(ended).toMatchObject({ id: 'f1', currentTokenHash: 'hash-f1-1' });
      expect(ended?.endedAt).toBeUndefined();
      await expect(store().end('f1', 'revoked', T0 + 95_000)).resolves.toBeNull();
      await expect(store().end('unknown', 'revoked', T0)).resolves.toBeNull();
      for (const hash of ['hash-f1-0', 'hash-f1-1']) {
        expect((await store().findByTokenHash(hash))?.family).toMatchObject({ endedAt: T0 + 90_000, endReason: 'refresh_reused' });
      }
    });

    it('concurrent ends: exactly one returns the family', async () => {
      await store().create(sessionFamily('f1'));
      const results = await Promise.all(Array.from({ length: 6 }, () => store().end('f1', 'revoked', T0)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('lists the active families of a subject, of all relying parties or of one', async () => {
      await store().create(sessionFamily('f1'));
      await store().create(sessionFamily('f2', { clientId: 'other-rp', currentTokenHash: 'h2' }));
      await store().create(sessionFamily('f3', { currentTokenHash: 'h3' }));
      await store().create(sessionFamily('f4', { subject: 'did:key:z6MkholderB', currentTokenHash: 'h4' }));
      await store().end('f3', 'revoked', T0);
      const ids = async (clientId?: string) => (await store().listActiveBySubject('did:key:z6MkholderA', clientId, T0)).map((f) => f.id).sort();
      await expect(ids()).resolves.toStrictEqual(['f1', 'f2']);
      await expect(ids('acme')).resolves.toStrictEqual(['f1']);
      await expect(ids('nobody')).resolves.toStrictEqual([]);
    });

    it('purge deletes ended, idle-expired and absolutely expired families with their hashes, and keeps live ones', async () => {
      await store().create(sessionFamily('live'));
      await store().create(sessionFamily('ended', { currentTokenHash: 'h-ended' }));
      await store().create(sessionFamily('idle', { currentTokenHash: 'h-idle', idleExpiresAt: T0 + 1000 }));
      await store().create(sessionFamily('old', { currentTokenHash: 'h-old', absoluteExpiresAt: T0 + 2000, idleExpiresAt: T0 + 2000 }));
      await store().rotate('ended', rotation('h-ended', 'h-ended-1'));
      await store().end('ended', 'revoked', T0 + 100);
      await expect(store().purge(T0 + 2000)).resolves.toBe(3);
      for (const hash of ['h-ended', 'h-ended-1', 'h-idle', 'h-old']) await expect(store().findByTokenHash(hash)).resolves.toBeNull();
      expect((await store().findByTokenHash('hash-live-0'))?.family.id).toBe('live');
      await expect(store().listActiveBySubject('did:key:z6MkholderA', undefined, T0)).resolves.toHaveLength(1);
      await expect(store().purge(T0 + 2000)).resolves.toBe(0);
    });

    it('stores any subject and issuer as opaque text', async () => {
      const subject = 'urn:ietf:params:oauth:jwk-thumbprint:sha-256:ünï\'"; DROP TABLE session_families; --';
      await store().create(sessionFamily('f1', { subject }));
      await expect(store().listActiveBySubject(subject, undefined, T0)).resolves.toHaveLength(1);
    });
  });
}

export function describeProofReplayCacheContract(current: () => Storage): void {
  describe('used proof identifiers (ProofReplayCache)', () => {
    const cache = () => {
      const found = current().proofReplay;
      if (!found) throw new Error('this storage has no proofReplay port');
      return found;
    };

    it('the first use of a key wins, a second within its lifetime loses, other keys are independent', async () => {
      await expect(cache().firstUse('jkt-a:jti-1', Date.now() + 60_000, Date.now())).resolves.toBe(true);
      await expect(cache().firstUse('jkt-a:jti-1', Date.now() + 60_000, Date.now())).resolves.toBe(false);
      await expect(cache().firstUse('jkt-b:jti-1', Date.now() + 60_000, Date.now())).resolves.toBe(true);
    });

    it('of concurrent first uses of one key exactly one wins', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => cache().firstUse('jkt-c:jti-race', Date.now() + 60_000, Date.now())));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
