import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../core/clock.js';
import type { SigningKey } from '../core/model/signing-key.js';
import type { SigningKeyStore } from '../core/ports/signing-key-store.js';

export interface ActiveSigningKey {
  kid: string;
  alg: 'ES256';
  key: CryptoKey;
}

/** A public key as published in the JWKS (RFC 7517). */
export interface PublishedJwk extends JWK {
  kid: string;
  alg: string;
  use: 'sig';
}

/** Creates a new ES256 key pair; `kid` is its RFC 7638 thumbprint. */
export async function generateSigningKey(clock: Clock): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const now = clock.now();
  return { kid, alg: 'ES256', privateJwk, publicJwk, createdAt: now, activatesAt: now, retiredAt: null, expiresAt: null };
}

/**
 * The session-signing keys in memory: generated on first start and persisted
 * through the SigningKeyStore, private keys imported once (importing costs
 * more than signing).
 */
export class SigningKeyRing {
  private constructor(
    private readonly keys: SigningKey[],
    private readonly active: ActiveSigningKey,
  ) {}

  /** Loads the stored keys, creating the first one if there is none (race-safe across replicas). */
  static async open(store: SigningKeyStore, clock: Clock): Promise<SigningKeyRing> {
    let keys = await store.list();
    if (!keys.some((k) => k.retiredAt === null)) {
      keys = await store.insertIfNone(await generateSigningKey(clock));
    }
    const now = clock.now();
    const usable = keys
      .filter((k) => k.retiredAt === null && k.activatesAt <= now)
      .sort((a, b) => b.activatesAt - a.activatesAt)[0];
    if (!usable) throw new Error('no usable session signing key in storage');
    const key = (await importJWK(usable.privateJwk, usable.alg)) as CryptoKey;
    return new SigningKeyRing(keys, { kid: usable.kid, alg: usable.alg, key });
  }

  /** The key new session tokens are signed with. */
  current(): ActiveSigningKey {
    return this.active;
  }

  /** Public keys to publish: every stored key that has not expired. Never includes private members. */
  jwks(): { keys: PublishedJwk[] } {
    return {
      keys: this.keys.map((k) => {
        const { kty, crv, x, y } = k.publicJwk;
        return { kty, crv, x, y, kid: k.kid, alg: k.alg, use: 'sig' as const };
      }),
    };
  }
}
