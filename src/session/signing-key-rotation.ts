import type { Clock } from '../core/clock.js';
import { JWKS_MAX_AGE_SECONDS } from '../core/config.js';
import type { SigningKey } from '../core/model/signing-key.js';
import type { SigningKeyStore } from '../core/ports/signing-key-store.js';
import { generateSigningKey, KEY_RING_REFRESH_MS, type SigningKeyRing } from './signing-key-ring.js';

export interface SigningKeyRotationOptions {
  /** `KPARTY_KEY_ROTATION_LEAD` seconds (default 600): how long a new key is published before it signs. */
  leadSeconds: number;
  /** `KPARTY_KEY_ROTATION_INTERVAL` seconds (default 30 days); 0: no scheduled rotation. */
  intervalSeconds: number;
  /** `KPARTY_SESSION_MAX_TTL` seconds: the longest a token signed by a retiring key can live. */
  sessionMaxTtl: number;
  /** `KPARTY_CLOCK_SKEW` seconds: verifiers accept a token this long after its `exp`. */
  clockSkew: number;
}

export interface RotationOutcome {
  /** False when a rotation was already pending (a manual, non-immediate rotation then changes nothing). */
  created: boolean;
  /** The key that signs next. */
  kid: string;
  /** When it signs from (ms since the epoch). */
  activatesAt: number;
}

/**
 * How long a retired key stays in the JWKS after it stops signing: every token
 * it signed lives at most `KPARTY_SESSION_MAX_TTL` (+ the clock skew verifiers
 * allow after `exp`); the margin covers JWKS caches (max-age 60 s) and a ring
 * that has not yet reloaded and signs with the old key for up to 30 s more.
 */
export function retirementMs(options: Pick<SigningKeyRotationOptions, 'sessionMaxTtl' | 'clockSkew'>): number {
  return (options.sessionMaxTtl + options.clockSkew + JWKS_MAX_AGE_SECONDS) * 1000 + KEY_RING_REFRESH_MS;
}

/**
 * Rotates the session-signing key without breaking live tokens (docs/api.md): the
 * next key is published `leadSeconds` ahead of use, so downstream JWKS caches
 * have it before the first token it signs; the old key stops signing then and
 * stays published until every token it signed has expired ({@link retirementMs});
 * then it is deleted. The store makes each rotation atomic across replicas.
 */
export class SigningKeyRotator {
  constructor(
    private readonly store: SigningKeyStore,
    private readonly clock: Clock,
    private readonly options: SigningKeyRotationOptions,
    /** The process's ring, reloaded after a rotation so it serves the new JWKS at once. */
    private readonly ring?: SigningKeyRing,
  ) {}

  /**
   * On demand (`POST /v1/admin/keys/rotate`, `kparty keys rotate`). `immediate`
   * signs with the new key at once — for emergencies: downstream verifiers
   * whose cached JWKS lacks it refuse new tokens until they refetch (up to the
   * 60 s max-age). Otherwise a rotation already pending is returned unchanged.
   */
  async rotate(options: { immediate?: boolean } = {}): Promise<RotationOutcome> {
    const now = this.clock.now();
    const immediate = options.immediate === true;
    const next = await generateSigningKey(this.clock, immediate ? now : now + this.options.leadSeconds * 1000);
    const result = await this.store.rotate({
      next,
      now,
      retainMs: retirementMs(this.options),
      ...(immediate ? {} : { unlessActivatedAfter: now }),
    });
    await this.ring?.refresh();
    if (result.rotated) return { created: true, kid: next.kid, activatesAt: next.activatesAt };
    const pending = newestLive(result.keys);
    if (!pending) throw new Error('a rotation was refused but no newer key is stored');
    return { created: false, kid: pending.kid, activatesAt: pending.activatesAt };
  }

  /**
   * The schedule: rotates when the newest key activated at least
   * `intervalSeconds` ago. Of replicas calling this together, one rotates.
   * Null when scheduled rotation is off or not due.
   */
  async rotateIfDue(): Promise<RotationOutcome | null> {
    if (this.options.intervalSeconds === 0) return null;
    const now = this.clock.now();
    const threshold = now - this.options.intervalSeconds * 1000;
    // Cheap check first: generating a key pair on every tick of every replica is waste.
    const newest = newestLive(await this.store.list(now));
    if (newest && newest.activatesAt > threshold) return null;
    const next = await generateSigningKey(this.clock, now + this.options.leadSeconds * 1000);
    const result = await this.store.rotate({ next, now, retainMs: retirementMs(this.options), unlessActivatedAfter: threshold });
    if (!result.rotated) return null;
    await this.ring?.refresh();
    return { created: true, kid: next.kid, activatesAt: next.activatesAt };
  }
}

/** The newest key that signs or will sign (not superseded before it activated). */
function newestLive(keys: readonly SigningKey[]): SigningKey | undefined {
  return keys.filter((k) => k.retiredAt === null || k.retiredAt > k.activatesAt).sort((a, b) => b.activatesAt - a.activatesAt || b.createdAt - a.createdAt)[0];
}
