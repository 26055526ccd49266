import { describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { OPERATOR } from '../admin/principal.js';
import type { SigningKey } from '../core/model/signing-key.js';
import type { SigningKeyStore } from '../core/ports/signing-key-store.js';
import { createMemoryStorage } from '../storage/memory/index.js';
import { ISSUER, MINUTE, ROTATION, SECOND, sessionKit, sessionRequest, T0, type SessionKit } from './__fixtures__/session-setup.js';
import { introspectSession } from './introspect-session.js';
import { retirementMs } from './signing-key-rotation.js';
import { generateSigningKey, SigningKeyRing } from './signing-key-ring.js';
import { describeSigningKeys } from './signing-key-states.js';

const LEAD = ROTATION.leadSeconds * SECOND;
/** (3600 s max TTL + 60 s skew + 60 s JWKS max-age) + 30 s ring refresh. */
const RETAIN = retirementMs(ROTATION);

const kids = (kit: SessionKit): string[] => kit.ring.jwks().keys.map((k) => k.kid);
const kidOf = (token: string): string | undefined => decodeProtectedHeader(token).kid;
const isActive = async (kit: SessionKit, token: string): Promise<boolean> => (await introspectSession(kit.verifier, OPERATOR, token)).active;

describe('signing-key rotation', () => {
  it('keeps a retired key published for the longest token lifetime plus skew, JWKS max-age and the ring refresh', () => {
    expect(RETAIN).toBe((3600 + 60 + 60 + 30) * SECOND);
  });

  it('publishes the next key during the lead time, signs with it from activation, and keeps older tokens valid until they expire', async () => {
    const kit = await sessionKit();
    const oldKid = kit.ring.current().kid;
    const before = await kit.issuer.issue(sessionRequest({ ttlSeconds: 3600 }));

    kit.clock.advance(MINUTE);
    const rotated = await kit.rotator.rotate();
    expect(rotated).toStrictEqual({ created: true, kid: expect.any(String), activatesAt: T0 + MINUTE + LEAD });
    expect(rotated.kid).not.toBe(oldKid);

    // Lead time: both keys are in the JWKS; the old one still signs.
    expect(kids(kit)).toStrictEqual([oldKid, rotated.kid]);
    kit.clock.set(rotated.activatesAt - 1);
    expect(kit.ring.current().kid).toBe(oldKid);
    const lastOld = await kit.issuer.issue(sessionRequest({ ttlSeconds: 3600 }));
    expect(kidOf(lastOld.token)).toBe(oldKid);

    // Activation: the new key signs; tokens it signs verify against the JWKS as a downstream API sees it.
    kit.clock.set(rotated.activatesAt);
    expect(kit.ring.current().kid).toBe(rotated.kid);
    const after = await kit.issuer.issue(sessionRequest());
    expect(kidOf(after.token)).toBe(rotated.kid);
    await expect(
      jwtVerify(after.token, createLocalJWKSet(kit.ring.jwks()), {
        issuer: ISSUER,
        typ: 'at+jwt',
        algorithms: ['ES256'],
        currentDate: new Date(kit.clock.now()),
      }),
    ).resolves.toMatchObject({ protectedHeader: { kid: rotated.kid } });
    expect(await isActive(kit, before.token)).toBe(true);
    expect(await isActive(kit, after.token)).toBe(true);

    // The last token of the old key lives until its exp (+ skew), and its key stays published that long.
    const lastExpiry = decodeJwt(lastOld.token).exp! * SECOND;
    kit.clock.set(lastExpiry + ROTATION.clockSkew * SECOND - 1);
    expect(await isActive(kit, lastOld.token)).toBe(true);
    expect(kids(kit)).toContain(oldKid);

    // Then the old key leaves the JWKS, and maintenance deletes it (private key included).
    kit.clock.set(rotated.activatesAt + RETAIN - 1);
    expect(kids(kit)).toStrictEqual([oldKid, rotated.kid]);
    kit.clock.set(rotated.activatesAt + RETAIN);
    expect(kids(kit)).toStrictEqual([rotated.kid]);
    await expect(kit.storage.signingKeys.deleteExpired(kit.clock.now())).resolves.toBe(1);
    await kit.ring.refresh();
    expect((await kit.storage.signingKeys.list(T0)).map((k) => k.kid)).toStrictEqual([rotated.kid]);
    await expect(kit.verifier.verify(lastOld.token)).resolves.toStrictEqual({ valid: false, reason: 'unknown_key' });
  });

  it('answers a second manual rotation during the lead time with the pending key instead of stacking another', async () => {
    const kit = await sessionKit();
    const first = await kit.rotator.rotate();
    kit.clock.advance(MINUTE);
    await expect(kit.rotator.rotate()).resolves.toStrictEqual({ created: false, kid: first.kid, activatesAt: first.activatesAt });
    expect(kit.ring.jwks().keys).toHaveLength(2);
  });

  it('an immediate rotation signs at once, supersedes a pending key, and keeps every older key published', async () => {
    const kit = await sessionKit();
    const oldKid = kit.ring.current().kid;
    const pending = await kit.rotator.rotate();
    kit.clock.advance(MINUTE);
    const urgent = await kit.rotator.rotate({ immediate: true });
    expect(urgent).toStrictEqual({ created: true, kid: expect.any(String), activatesAt: kit.clock.now() });
    expect(kit.ring.current().kid).toBe(urgent.kid);
    // The superseded key never signs, even once its activation time comes.
    kit.clock.set(pending.activatesAt);
    expect(kit.ring.current().kid).toBe(urgent.kid);
    expect(kids(kit)).toStrictEqual([oldKid, pending.kid, urgent.kid]);
    const states = describeSigningKeys(await kit.storage.signingKeys.list(kit.clock.now()), kit.clock.now());
    expect(states.map((k) => [k.kid, k.state])).toStrictEqual([
      [oldKid, 'retired'],
      [pending.kid, 'retired'],
      [urgent.kid, 'signing'],
    ]);
  });

  it('rotates on schedule only once the newest key is an interval old, and only once', async () => {
    const kit = await sessionKit({ rotation: { intervalSeconds: 3600 } });
    await expect(kit.rotator.rotateIfDue()).resolves.toBeNull();
    kit.clock.set(T0 + 3600 * SECOND - 1);
    await expect(kit.rotator.rotateIfDue()).resolves.toBeNull();
    kit.clock.set(T0 + 3600 * SECOND);
    const due = await kit.rotator.rotateIfDue();
    expect(due).toStrictEqual({ created: true, kid: expect.any(String), activatesAt: kit.clock.now() + LEAD });
    await expect(kit.rotator.rotateIfDue()).resolves.toBeNull();
    // The next one is due an interval after the new key activated.
    kit.clock.set(due!.activatesAt + 3600 * SECOND - 1);
    await expect(kit.rotator.rotateIfDue()).resolves.toBeNull();
    kit.clock.set(due!.activatesAt + 3600 * SECOND);
    await expect(kit.rotator.rotateIfDue()).resolves.toMatchObject({ created: true });
  });

  it('never rotates on schedule when the interval is 0', async () => {
    const kit = await sessionKit({ rotation: { intervalSeconds: 0 } });
    kit.clock.advance(10 * 365 * 86_400 * SECOND);
    await expect(kit.rotator.rotateIfDue()).resolves.toBeNull();
    expect(kit.ring.jwks().keys).toHaveLength(1);
  });
});

describe('SigningKeyRing across replicas', () => {
  it('a replica sees a rotation made by another on its next reload and switches at activation by the clock alone', async () => {
    const a = await sessionKit();
    const b = await sessionKit({ storage: a.storage, clock: a.clock });
    const rotated = await a.rotator.rotate();
    expect(kids(b)).toHaveLength(1);
    await b.ring.refresh();
    expect(kids(b)).toStrictEqual(kids(a));
    a.clock.set(rotated.activatesAt);
    expect(b.ring.current().kid).toBe(rotated.kid);
  });

  it('a token naming an unknown kid makes the ring reload, so a replica verifies tokens signed after an immediate rotation elsewhere', async () => {
    const a = await sessionKit();
    const b = await sessionKit({ storage: a.storage, clock: a.clock });
    const oldKid = b.ring.current().kid;
    a.clock.advance(5 * SECOND);
    const urgent = await a.rotator.rotate({ immediate: true });
    const fromA = await a.issuer.issue(sessionRequest());
    // Not reloaded yet: b still signs with the old key, which stays published for these tokens.
    const fromB = await b.issuer.issue(sessionRequest());
    expect(kidOf(fromB.token)).toBe(oldKid);
    expect(await isActive(b, fromA.token)).toBe(true);
    expect(b.ring.current().kid).toBe(urgent.kid);
    expect(await isActive(a, fromB.token)).toBe(true);
  });

  it('reloads for unknown kids at most once per second, whatever kids a client makes up: within the gap, callers wait for one shared reload', async () => {
    const kit = await sessionKit();
    let lists = 0;
    const counting: SigningKeyStore = {
      list: (now) => ((lists += 1), kit.storage.signingKeys.list(now)),
      insertIfNone: (key) => kit.storage.signingKeys.insertIfNone(key),
      rotate: (rotation) => kit.storage.signingKeys.rotate(rotation),
      deleteExpired: (now) => kit.storage.signingKeys.deleteExpired(now),
    };
    const ring = await SigningKeyRing.open(counting, kit.clock);
    expect(lists).toBe(1);
    kit.clock.advance(SECOND);
    await expect(ring.verificationKey('made-up')).resolves.toBeNull();
    expect(lists).toBe(2);
    // Within the gap (the fixed clock stands still): 50 callers wait for one reload, ≈ 1 s of real time.
    kit.clock.advance(SECOND / 2);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => ring.verificationKey(`made-up-${i}`)));
    expect(answers.every((answer) => answer === null)).toBe(true);
    expect(lists).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SECOND / 2 - 20);
  });

  it('when no loaded key signs any more, keeps signing with the newest activated one and reloads', async () => {
    const storage = createMemoryStorage();
    const kit = await sessionKit({ storage });
    const [stored] = await storage.signingKeys.list(T0);
    const retired: SigningKey = { ...(stored as SigningKey), retiredAt: T0 + MINUTE, expiresAt: T0 + RETAIN };
    const notYet = await generateSigningKey(kit.clock, T0 + 10 * MINUTE);
    let lists = 0;
    // A store whose first answer has no key signing from T0 + 1 min to T0 + 10 min (an inconsistent view), then the truth.
    const staleThenFresh: SigningKeyStore = {
      list: async (now) => {
        lists += 1;
        return lists === 1 ? [retired, notYet] : storage.signingKeys.list(now);
      },
      insertIfNone: (key) => storage.signingKeys.insertIfNone(key),
      rotate: (rotation) => storage.signingKeys.rotate(rotation),
      deleteExpired: (now) => storage.signingKeys.deleteExpired(now),
    };
    const ring = await SigningKeyRing.open(staleThenFresh, kit.clock);
    kit.clock.set(T0 + 2 * MINUTE);
    expect(describeSigningKeys([retired, notYet], kit.clock.now()).map((k) => k.state)).toStrictEqual(['retired', 'pending']);
    expect(ring.current().kid).toBe(stored!.kid);
    expect(lists).toBe(2); // current() started a reload
    await ring.refresh(); // joins it
    expect(ring.current().kid).toBe(stored!.kid);
    expect(lists).toBe(2); // the fresh view has a signing key: no further reloads
  });
});
