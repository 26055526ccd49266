import { importJWK, type CryptoKey } from 'jose';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { LruMap } from './lru.js';
import type { PublicJwk } from './public-jwk.js';

/** Default capacity of the imported-key cache. */
export const DEFAULT_IMPORTED_KEY_CACHE_SIZE = 2000;

/**
 * WebCrypto keys imported by jose, cached in a bounded LRU: importing a JWK
 * costs more than verifying with it (STACK.md: ≈ 12,000 ES256 imports/s).
 *
 * Keyed by RFC 7638 thumbprint and `alg`, because a WebCrypto key is bound to
 * one algorithm (an RSA key imported for RS256 cannot verify PS256). The
 * pending import is cached, so concurrent verifications with one new key
 * import it once; a failed import is not kept.
 */
export class ImportedKeyCache {
  readonly #keys: LruMap<string, Promise<CryptoKey>>;

  constructor(capacity: number = DEFAULT_IMPORTED_KEY_CACHE_SIZE) {
    this.#keys = new LruMap(capacity);
  }

  get size(): number {
    return this.#keys.size;
  }

  get capacity(): number {
    return this.#keys.capacity;
  }

  /** The key imported for `alg`; rejects when WebCrypto refuses the key. */
  get(jwk: PublicJwk, alg: string): Promise<CryptoKey> {
    const cacheKey = `${jwkThumbprint(jwk)}.${alg}`;
    const cached = this.#keys.get(cacheKey);
    if (cached) return cached;
    const imported = importJWK({ ...jwk }, alg).then((key) => {
      if (key instanceof Uint8Array) throw new TypeError('a symmetric key cannot verify signatures here');
      return key;
    });
    this.#keys.set(cacheKey, imported);
    imported.catch(() => {
      if (this.#keys.get(cacheKey) === imported) this.#keys.delete(cacheKey);
    });
    return imported;
  }
}
