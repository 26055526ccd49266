import { createHash } from 'node:crypto';
import type { PublicJwk } from './public-jwk.js';

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key: the hash of
 * the required members in lexicographic order, without whitespace. Computed
 * synchronously with node:crypto because it keys the imported-key cache on
 * every verification.
 */
export function jwkThumbprint(jwk: PublicJwk): string {
  let canonical: string;
  switch (jwk.kty) {
    case 'EC':
      canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
      break;
    case 'OKP':
      canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
      break;
    case 'RSA':
      canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
      break;
  }
  return createHash('sha256').update(canonical).digest('base64url');
}
