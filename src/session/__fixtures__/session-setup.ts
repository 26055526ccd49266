import { fixedClock } from '../../core/clock.js';
import type { Storage } from '../../core/ports/storage.js';
import { createMemoryStorage } from '../../storage/memory/index.js';
import { SessionIssuer, type SessionRequest } from '../session-issuer.js';
import { SessionVerifier } from '../session-verifier.js';
import { SigningKeyRotator, type SigningKeyRotationOptions } from '../signing-key-rotation.js';
import { SigningKeyRing } from '../signing-key-ring.js';

/** Frozen time of the session tests: 2030-01-01T00:00:00Z. */
export const T0 = Date.UTC(2030, 0, 1);
export const ISSUER = 'https://kparty.example';
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/** The defaults of docs/operations.md and of the key-rotation settings. */
export const ROTATION: SigningKeyRotationOptions = { leadSeconds: 600, intervalSeconds: 30 * 86_400, sessionMaxTtl: 3600, clockSkew: 60 };

/** A session of relying party `shop-a` under policy `employee-portal`, with one mapped claim. */
export function sessionRequest(overrides: Partial<SessionRequest> = {}): SessionRequest {
  return {
    subject: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    audience: 'https://orders.example.com',
    clientId: 'shop-a',
    policyId: 'employee-portal',
    scope: 'orders:read orders:write',
    claims: { email: 'alice@example.com' },
    ...overrides,
  };
}

export interface SessionKit {
  clock: ReturnType<typeof fixedClock>;
  storage: Storage;
  ring: SigningKeyRing;
  issuer: SessionIssuer;
  verifier: SessionVerifier;
  rotator: SigningKeyRotator;
}

/**
 * One kparty process's session machinery over `storage` (a fresh memory
 * storage by default; pass another kit's storage and clock for a second replica).
 */
export async function sessionKit(
  options: { storage?: Storage; clock?: ReturnType<typeof fixedClock>; rotation?: Partial<SigningKeyRotationOptions> } = {},
): Promise<SessionKit> {
  const clock = options.clock ?? fixedClock(T0);
  const storage = options.storage ?? createMemoryStorage();
  const rotation = { ...ROTATION, ...options.rotation };
  const ring = await SigningKeyRing.open(storage.signingKeys, clock);
  return {
    clock,
    storage,
    ring,
    issuer: new SessionIssuer(ring, clock, { issuer: ISSUER, defaultTtl: 300, maxTtl: rotation.sessionMaxTtl }),
    verifier: new SessionVerifier(ring, storage.sessionDenylist, clock, { issuer: ISSUER, clockSkew: rotation.clockSkew }),
    rotator: new SigningKeyRotator(storage.signingKeys, clock, rotation, ring),
  };
}
