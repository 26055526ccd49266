import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { decodeBase64url } from './base64url.js';
import { ed25519KeyProblem } from './curve-points.js';

/**
 * Public keys as JWKs (RFC 7517, RFC 7518 §6, RFC 8037), reduced to their key
 * material. These are the key types a DID document can name and kparty can
 * represent; whether a key may sign, and with which algorithms, is decided
 * separately (signature-algorithms.ts).
 */
export type PublicJwk =
  { kty: 'OKP'; crv: 'Ed25519' | 'X25519'; x: string } | { kty: 'EC'; crv: EcCurve; x: string; y: string } | { kty: 'RSA'; n: string; e: string };

export type EcCurve = 'P-256' | 'P-384' | 'P-521' | 'secp256k1';

/** What a JWK says about its own use (RFC 7517 §4.2–4.4), kept to narrow the algorithms allowed. */
export interface JwkUsage {
  use?: string;
  key_ops?: string[];
  alg?: string;
}

export type ParsedPublicJwk = { ok: true; jwk: PublicJwk; usage: JwkUsage } | { ok: false; detail: string };

/** Members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const EC_CURVES = {
  'P-256': { bytes: 32, point: p256.Point },
  'P-384': { bytes: 48, point: p384.Point },
  'P-521': { bytes: 66, point: p521.Point },
  secp256k1: { bytes: 32, point: secp256k1.Point },
} as const;

/** Largest RSA modulus represented, in bytes (16384 bits); the allow-list narrows further. */
const MAX_RSA_MODULUS_BYTES = 2048;

/**
 * Reads a public JWK from untrusted JSON: refuses private and symmetric keys,
 * checks every member's encoding and length, and checks that EC points lie on
 * their curve. Returns the key material only (no `kid`, `x5c`, …) plus the
 * usage members; `detail` of a refusal is short and safe to show.
 */
export function parsePublicJwk(input: unknown): ParsedPublicJwk {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, detail: 'the JWK is not a JSON object' };
  }
  const jwk = input as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
    return { ok: false, detail: 'the JWK contains private key material' };
  }
  const usage = readUsage(jwk);
  if (!usage) return { ok: false, detail: 'the JWK has malformed use, key_ops or alg members' };

  const material = readKeyMaterial(jwk);
  if (typeof material === 'string') return { ok: false, detail: material };
  return { ok: true, jwk: material, usage };
}

function readKeyMaterial(jwk: Record<string, unknown>): PublicJwk | string {
  switch (jwk.kty) {
    case 'OKP': {
      if (jwk.crv !== 'Ed25519' && jwk.crv !== 'X25519') return 'unsupported OKP curve';
      if (!hasLength(jwk.x, 32)) return 'malformed OKP key';
      if (jwk.crv === 'Ed25519') {
        // Small-order and non-canonical keys let a signature verify with no private key (curve-points.ts; issue 11).
        const problem = ed25519KeyProblem(decodeBase64url(jwk.x as string) as Uint8Array);
        if (problem) return problem;
      }
      return { kty: 'OKP', crv: jwk.crv, x: jwk.x as string };
    }
    case 'EC': {
      const crv = jwk.crv;
      if (typeof crv !== 'string' || !Object.hasOwn(EC_CURVES, crv)) return 'unsupported EC curve';
      const curve = EC_CURVES[crv as EcCurve];
      const x = typeof jwk.x === 'string' ? decodeBase64url(jwk.x) : null;
      const y = typeof jwk.y === 'string' ? decodeBase64url(jwk.y) : null;
      if (!x || !y || x.length !== curve.bytes || y.length !== curve.bytes) return 'malformed EC key';
      const uncompressed = new Uint8Array(1 + 2 * curve.bytes);
      uncompressed[0] = 0x04;
      uncompressed.set(x, 1);
      uncompressed.set(y, 1 + curve.bytes);
      try {
        curve.point.fromBytes(uncompressed).assertValidity();
      } catch {
        return 'the EC point is not on its curve';
      }
      return { kty: 'EC', crv: crv as EcCurve, x: jwk.x as string, y: jwk.y as string };
    }
    case 'RSA': {
      const n = typeof jwk.n === 'string' ? decodeBase64url(jwk.n) : null;
      const e = typeof jwk.e === 'string' ? decodeBase64url(jwk.e) : null;
      if (!n || !e || n.length === 0 || n.length > MAX_RSA_MODULUS_BYTES || e.length === 0 || e.length > 8) {
        return 'malformed RSA key';
      }
      return { kty: 'RSA', n: jwk.n as string, e: jwk.e as string };
    }
    default:
      return 'unsupported key type';
  }
}

function hasLength(value: unknown, bytes: number): boolean {
  return typeof value === 'string' && decodeBase64url(value)?.length === bytes;
}

function readUsage(jwk: Record<string, unknown>): JwkUsage | null {
  const usage: JwkUsage = {};
  if (jwk.use !== undefined) {
    if (typeof jwk.use !== 'string') return null;
    usage.use = jwk.use;
  }
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.every((op) => typeof op === 'string')) return null;
    usage.key_ops = [...(jwk.key_ops as string[])];
  }
  if (jwk.alg !== undefined) {
    if (typeof jwk.alg !== 'string') return null;
    usage.alg = jwk.alg;
  }
  return usage;
}

/** Bit length of an RSA modulus given as base64url (leading zero octets ignored). */
export function rsaModulusBits(n: string): number {
  const bytes = decodeBase64url(n);
  if (!bytes) return 0;
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}
