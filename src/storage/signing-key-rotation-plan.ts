import type { SigningKey } from '../core/model/signing-key.js';
import type { SigningKeyRotation } from '../core/ports/signing-key-store.js';

/** A change to one stored key that a rotation makes. */
export interface SigningKeyRetirement {
  kid: string;
  retiredAt: number;
  expiresAt: number;
}

export type SigningKeyRotationPlan = { rotate: false } | { rotate: true; retire: SigningKeyRetirement[] };

/** Whether `key` is published at `now` (`expiresAt` unset or later). */
export const isListed = (key: SigningKey, now: number): boolean => key.expiresAt === null || key.expiresAt > now;

/**
 * What {@link SigningKeyStore.rotate} does, decided from the keys listed at
 * `rotation.now`; every adapter applies this plan inside its own transaction,
 * so the rule is written once:
 *
 * - `unlessActivatedAfter`: a key that signs or will sign (not superseded:
 *   `retiredAt` unset or after `activatesAt`) activated later means another
 *   rotation happened or is pending — nothing changes;
 * - a key still pending at `now` is superseded: `retiredAt = now`, so it never
 *   signs; it stays published until `retainMs` after the time it would have
 *   activated, since a replica that has not reloaded yet may still sign with it;
 * - a key that signs beyond `next.activatesAt` retires then, and stays
 *   published for `retainMs` more, until every token it signed has expired.
 */
export function planSigningKeyRotation(listed: readonly SigningKey[], rotation: SigningKeyRotation): SigningKeyRotationPlan {
  const { now, next, retainMs, unlessActivatedAfter } = rotation;
  const live = listed.filter((key) => isListed(key, now) && (key.retiredAt === null || key.retiredAt > key.activatesAt));
  if (unlessActivatedAfter !== undefined && live.some((key) => key.activatesAt > unlessActivatedAfter)) return { rotate: false };
  const switchAt = next.activatesAt;
  const retire: SigningKeyRetirement[] = [];
  for (const key of live) {
    if (key.activatesAt > now) retire.push({ kid: key.kid, retiredAt: now, expiresAt: key.activatesAt + retainMs });
    else if (key.retiredAt === null || key.retiredAt > switchAt) retire.push({ kid: key.kid, retiredAt: switchAt, expiresAt: switchAt + retainMs });
  }
  return { rotate: true, retire };
}
