import { createPublicKey } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { encodeBase64url } from './base64url.js';
import { ed25519KeyProblem } from './curve-points.js';
import type { EcCurve, PublicJwk } from './public-jwk.js';

/** Key types whose public keys travel as raw bytes (multicodec keys, publicKeyBase58). */
export type RawKeyType = 'Ed25519' | 'X25519' | EcCurve | 'RSA';

const EC_POINTS = {
  'P-256': { point: p256.Point, bytes: 32 },
  'P-384': { point: p384.Point, bytes: 48 },
  'P-521': { point: p521.Point, bytes: 66 },
  secp256k1: { point: secp256k1.Point, bytes: 32 },
} as const;

/**
 * Converts a raw public key to a JWK, validating it:
 * - Ed25519: 32-byte encoded point (RFC 8032 §5.1.2), canonical, not of
 *   small order and in the prime-order subgroup (curve-points.ts);
 * - X25519: 32 bytes (RFC 7748; every 32-byte string is a u-coordinate);
 * - EC curves: SEC 1 §2.3.3 compressed or uncompressed point on the curve,
 *   decompressed to `x`/`y` (callers that accept only compressed points
 *   check the length first);
 * - RSA: DER `RSAPublicKey` (PKCS #1, RFC 8017 A.1.1).
 *
 * @returns the JWK, or `null` when the bytes are not a valid key of that type.
 */
export function rawPublicKeyToJwk(type: RawKeyType, bytes: Uint8Array): PublicJwk | null {
  try {
    switch (type) {
      case 'Ed25519':
        // Canonical, not of small order, in the prime-order subgroup (curve-points.ts; issue 11).
        if (ed25519KeyProblem(bytes) !== undefined) return null;
        return { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(bytes) };
      case 'X25519':
        if (bytes.length !== 32) return null;
        return { kty: 'OKP', crv: 'X25519', x: encodeBase64url(bytes) };
      case 'P-256':
      case 'P-384':
      case 'P-521':
      case 'secp256k1': {
        const { point, bytes: size } = EC_POINTS[type];
        if (bytes.length !== 1 + size && bytes.length !== 1 + 2 * size) return null;
        const uncompressed = point.fromBytes(bytes).toBytes(false);
        return {
          kty: 'EC',
          crv: type,
          x: encodeBase64url(uncompressed.subarray(1, 1 + size)),
          y: encodeBase64url(uncompressed.subarray(1 + size)),
        };
      }
      case 'RSA': {
        const der = Buffer.from(bytes);
        const key = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
        // Only the one DER encoding of the key, so one key has one did:key.
        if (!key.export({ format: 'der', type: 'pkcs1' }).equals(der)) return null;
        const jwk = key.export({ format: 'jwk' });
        if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return null;
        return { kty: 'RSA', n: jwk.n, e: jwk.e };
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/**
 * The X25519 key-agreement key that corresponds to an Ed25519 public key
 * (the birational map from the Edwards to the Montgomery form, RFC 7748 §4.1),
 * as the did:key specification derives it; `null` for an invalid key.
 */
export function ed25519ToX25519(ed25519PublicKey: Uint8Array): Uint8Array | null {
  try {
    return ed25519.utils.toMontgomery(ed25519PublicKey);
  } catch {
    return null;
  }
}
