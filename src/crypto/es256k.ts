import { secp256k1 } from '@noble/curves/secp256k1.js';
import { decodeBase64url } from './base64url.js';
import type { PublicJwk } from './public-jwk.js';

/**
 * ES256K (ECDSA over secp256k1 with SHA-256, RFC 8812 §3.2), which jose 6
 * does not implement (docs/architecture.md "Toolchain facts"), verified with @noble/curves.
 *
 * The signature is the JWS form: R || S, 32 bytes each (RFC 7518 §3.4).
 * High-S signatures are accepted (`lowS: false`): RFC 8812 does not require
 * low S, and jose's ES256/ES384 (WebCrypto) accept both S values, so every
 * ECDSA algorithm behaves alike. Signature malleability does not matter
 * here: replay protection rests on the single-use challenge nonce, never on
 * the signature bytes.
 *
 * @returns whether the signature is valid; never throws.
 */
export function verifyEs256k(jwk: PublicJwk, signingInput: Uint8Array, signature: Uint8Array): boolean {
  if (jwk.kty !== 'EC' || jwk.crv !== 'secp256k1' || signature.length !== 64) return false;
  const x = decodeBase64url(jwk.x);
  const y = decodeBase64url(jwk.y);
  if (!x || !y || x.length !== 32 || y.length !== 32) return false;
  const publicKey = new Uint8Array(65);
  publicKey[0] = 0x04;
  publicKey.set(x, 1);
  publicKey.set(y, 33);
  try {
    return secp256k1.verify(signature, signingInput, publicKey, { prehash: true, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}
