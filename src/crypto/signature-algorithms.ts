import { decodeBase64url } from './base64url.js';
import { rsaModulusBits, type EcCurve, type JwkUsage, type PublicJwk } from './public-jwk.js';

/**
 * The JWS algorithms (RFC 7518 §3, RFC 8037, RFC 8812) a key may verify —
 * the allow-list passed to jose as `algorithms` (docs/architecture.md "House rules" 5), so a
 * token header can never choose an algorithm the key was not made for.
 *
 * - OKP Ed25519 → `EdDSA`, `Ed25519` (its fully-specified name,
 *   https://datatracker.ietf.org/doc/draft-ietf-jose-fully-specified-algorithms/)
 * - EC P-256 → `ES256`; P-384 → `ES384`; P-521 → `ES512`; secp256k1 → `ES256K`
 * - RSA, 2048–8192-bit modulus, odd public exponent of at most 32 bits →
 *   `RS*` and `PS*` (256/384/512). Smaller moduli are too weak (NIST SP
 *   800-131A); larger ones and huge exponents only make verification slow.
 * - X25519 (key agreement only) and anything else → none.
 *
 * The JWK's own members narrow this further: `use` other than `sig`, or
 * `key_ops` without `verify`, leave nothing; `alg` leaves only itself.
 */
export function signatureAlgorithms(jwk: PublicJwk, usage: JwkUsage = {}): string[] {
  const byKeyType = algorithmsForKeyType(jwk);
  if (usage.use !== undefined && usage.use !== 'sig') return [];
  if (usage.key_ops !== undefined && !usage.key_ops.includes('verify')) return [];
  if (usage.alg !== undefined) {
    const named = EDDSA_NAMES.includes(usage.alg) ? EDDSA_NAMES : [usage.alg];
    return byKeyType.filter((alg) => named.includes(alg));
  }
  return byKeyType;
}

const EDDSA_NAMES = ['EdDSA', 'Ed25519'];
const EC_ALGORITHMS: Record<EcCurve, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', secp256k1: 'ES256K' };
const RSA_ALGORITHMS = ['RS256', 'PS256', 'RS384', 'PS384', 'RS512', 'PS512'];
/** Every JWS algorithm some acceptable key may verify (OpenID4VP `alg_values` in client_metadata). */
export const SUPPORTED_SIGNATURE_ALGORITHMS: readonly string[] = [...EDDSA_NAMES, ...Object.values(EC_ALGORITHMS), ...RSA_ALGORITHMS];
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;

function algorithmsForKeyType(jwk: PublicJwk): string[] {
  switch (jwk.kty) {
    case 'OKP':
      return jwk.crv === 'Ed25519' ? [...EDDSA_NAMES] : [];
    case 'EC':
      return [EC_ALGORITHMS[jwk.crv]];
    case 'RSA': {
      const bits = rsaModulusBits(jwk.n);
      if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS || !isAcceptableRsaExponent(jwk.e)) return [];
      return [...RSA_ALGORITHMS];
    }
    default:
      return [];
  }
}

function isAcceptableRsaExponent(e: string): boolean {
  const bytes = decodeBase64url(e);
  if (!bytes || bytes.length === 0 || bytes.length > 4) return false;
  const value = bytes.reduce((acc, byte) => acc * 256 + byte, 0);
  return value >= 3 && value % 2 === 1;
}
