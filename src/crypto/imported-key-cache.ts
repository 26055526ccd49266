import { createPublicKey, type KeyObject } from 'node:crypto';
import { LruMap } from './lru.js';
import type { PublicJwk } from './public-jwk.js';

/** Default capacity of the imported-key cache. */
export const DEFAULT_IMPORTED_KEY_CACHE_SIZE = 2000;

/**
 * The key material that identifies a public key: the members RFC 7638 hashes
 * for its thumbprint, joined without hashing (cheaper than the thumbprint on
 * every verification, and the same identity).
 */
function identityOf(jwk: PublicJwk): string {
  switch (jwk.kty) {
    case 'OKP':
      return `OKP.${jwk.crv}.${jwk.x}`;
    case 'EC':
      return `EC.${jwk.crv}.${jwk.x}.${jwk.y}`;
    case 'RSA':
      return `RSA.${jwk.e}.${jwk.n}`;
  }
}

/**
 * Public keys imported into node:crypto `KeyObject`s, cached in a bounded LRU:
 * importing a JWK costs more than verifying with it (docs/architecture.md "Toolchain facts": ≈ 12,000 ES256
 * imports/s), and a did:key issuer signs many credentials.
 *
 * Keyed by the key material (see {@link identityOf}), not by the JWK object,
 * so equal keys from different documents share one entry. A `KeyObject`
 * verifies every algorithm its key type allows (RS256 and PS256 alike); which
 * algorithm may be used is decided before, from the key's allow-list. A key
 * node:crypto refuses is not kept.
 */
export class ImportedKeyCache {
  readonly #keys: LruMap<string, KeyObject>;

  constructor(capacity: number = DEFAULT_IMPORTED_KEY_CACHE_SIZE) {
    this.#keys = new LruMap(capacity);
  }

  get size(): number {
    return this.#keys.size;
  }

  get capacity(): number {
    return this.#keys.capacity;
  }

  /**
   * The imported key.
   * @throws when node:crypto refuses the key (e.g. an EC point off its curve).
   */
  get(jwk: PublicJwk): KeyObject {
    const identity = identityOf(jwk);
    const cached = this.#keys.get(identity);
    if (cached) return cached;
    // Only the key material: members such as `alg` or `key_ops` never reach node:crypto.
    const material =
      jwk.kty === 'OKP'
        ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x }
        : jwk.kty === 'EC'
          ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
          : { kty: jwk.kty, n: jwk.n, e: jwk.e };
    const key = createPublicKey({ key: material, format: 'jwk' });
    this.#keys.set(identity, key);
    return key;
  }
}
