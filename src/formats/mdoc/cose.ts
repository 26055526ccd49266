import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { PublicJwk } from '../../crypto/public-jwk.js';
import { cborEncode, isBytes, isMap } from './cbor.js';

/**
 * COSE (RFC 9052) pieces mdoc uses: COSE_Sign1 (IssuerAuth, DeviceSignature,
 * a Status List CWT) and COSE_Key (the MSO's deviceKey). Parsed by hand from
 * the decoded CBOR so the protected header keeps its exact bytes, which the
 * signature covers (RFC 9052 §4.4).
 */

/** COSE header labels (RFC 9052 §3.1, RFC 9360 §2). */
export const COSE_HEADER = { alg: 1, crit: 2, contentType: 3, kid: 4, x5chain: 33 } as const;

/** COSE algorithms kparty accepts for mdoc signatures (ISO/IEC 18013-5 §9.1.3.6 cipher suites, RFC 9053). */
const ALGORITHMS = new Map<number, { name: string; hash: string | null; curve: string }>([
  [-7, { name: 'ES256', hash: 'sha256', curve: 'P-256' }],
  [-35, { name: 'ES384', hash: 'sha384', curve: 'P-384' }],
  [-36, { name: 'ES512', hash: 'sha512', curve: 'P-521' }],
  [-8, { name: 'EdDSA', hash: null, curve: 'Ed25519' }],
  // Fully specified (draft-ietf-jose-fully-specified-algorithms): ESP256, ESP384, ESP512, Ed25519.
  [-9, { name: 'ESP256', hash: 'sha256', curve: 'P-256' }],
  [-51, { name: 'ESP384', hash: 'sha384', curve: 'P-384' }],
  [-52, { name: 'ESP512', hash: 'sha512', curve: 'P-521' }],
  [-19, { name: 'Ed25519', hash: null, curve: 'Ed25519' }],
]);

/** COSE algorithm identifiers kparty verifies (OpenID4VP 1.0 Appendix B.2.2 `issuerauth_alg_values` / `deviceauth_alg_values`). */
export const COSE_SIGNATURE_ALGORITHMS: readonly number[] = [-7, -35, -36, -8, -9, -51, -52, -19];

export interface CoseSign1 {
  /** The protected header bucket as presented (a bstr, maybe empty). */
  protectedBytes: Uint8Array;
  protectedHeaders: Map<unknown, unknown>;
  unprotectedHeaders: Map<unknown, unknown>;
  /** null: detached (DeviceSignature). */
  payload: Uint8Array | null;
  signature: Uint8Array;
  /** COSE `alg` from the protected header. */
  alg: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; detail: string };

/** Reads an untagged COSE_Sign1 = [protected: bstr, unprotected: map, payload: bstr / nil, signature: bstr]. */
export function parseCoseSign1(value: unknown, decodeProtected: (bytes: Uint8Array) => Parsed<unknown>): Parsed<CoseSign1> {
  if (!Array.isArray(value) || value.length !== 4) return { ok: false, detail: 'a COSE_Sign1 must be an array of 4 elements' };
  const [protectedBytes, unprotected, payload, signature] = value as unknown[];
  if (!isBytes(protectedBytes)) return { ok: false, detail: 'the COSE_Sign1 protected header must be a byte string' };
  if (!isMap(unprotected)) return { ok: false, detail: 'the COSE_Sign1 unprotected header must be a map' };
  if (payload !== null && !isBytes(payload)) return { ok: false, detail: 'the COSE_Sign1 payload must be a byte string or nil' };
  if (!isBytes(signature)) return { ok: false, detail: 'the COSE_Sign1 signature must be a byte string' };
  let protectedHeaders = new Map<unknown, unknown>();
  if (protectedBytes.length > 0) {
    const decoded = decodeProtected(protectedBytes);
    if (!decoded.ok) return { ok: false, detail: `the COSE_Sign1 protected header: ${decoded.detail}` };
    if (!isMap(decoded.value)) return { ok: false, detail: 'the COSE_Sign1 protected header must encode a map' };
    protectedHeaders = decoded.value;
  }
  if (protectedHeaders.has(COSE_HEADER.crit)) return { ok: false, detail: 'the COSE_Sign1 names critical headers ("crit"), which kparty does not process' };
  const alg = protectedHeaders.get(COSE_HEADER.alg);
  if (typeof alg !== 'number') return { ok: false, detail: 'the COSE_Sign1 protected header has no "alg" (ISO/IEC 18013-5 §9.1.2.4)' };
  if (unprotected.has(COSE_HEADER.alg)) return { ok: false, detail: 'the COSE_Sign1 unprotected header must not carry "alg"' };
  return { ok: true, value: { protectedBytes, protectedHeaders, unprotectedHeaders: unprotected, payload, signature, alg } };
}

/** The certificates of `x5chain` (RFC 9360): one bstr or an array of bstr, leaf first. */
export function x5chain(sign1: CoseSign1): Parsed<Uint8Array[]> {
  const value = sign1.unprotectedHeaders.get(COSE_HEADER.x5chain) ?? sign1.protectedHeaders.get(COSE_HEADER.x5chain);
  if (value === undefined) return { ok: false, detail: 'the COSE_Sign1 has no "x5chain" header' };
  const certs = isBytes(value) ? [value] : Array.isArray(value) && value.length > 0 && value.every(isBytes) ? (value as Uint8Array[]) : undefined;
  if (!certs) return { ok: false, detail: '"x5chain" must be a byte string or a non-empty array of byte strings' };
  if (certs.length > 10) return { ok: false, detail: '"x5chain" has more than 10 certificates' };
  return { ok: true, value: certs };
}

export function algorithmName(alg: number): string | undefined {
  return ALGORITHMS.get(alg)?.name;
}

/** Sig_structure (RFC 9052 §4.4) for "Signature1". */
export function sigStructure(sign1: CoseSign1, payload: Uint8Array, externalAad: Uint8Array = new Uint8Array()): Uint8Array {
  return cborEncode(['Signature1', sign1.protectedBytes, externalAad, payload]);
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'alg_unsupported' | 'key_mismatch' | 'invalid'; detail: string };

/** Verifies a COSE_Sign1 with `key` over its own or a detached payload. */
export function verifyCoseSign1(sign1: CoseSign1, key: KeyObject, detachedPayload?: Uint8Array): SignatureCheck {
  const algorithm = ALGORITHMS.get(sign1.alg);
  if (!algorithm)
    return { ok: false, reason: 'alg_unsupported', detail: `COSE algorithm ${sign1.alg} is not accepted (ES256/384/512, ESP256/384/512, EdDSA, Ed25519)` };
  if (keyCurve(key) !== algorithm.curve) return { ok: false, reason: 'key_mismatch', detail: `the key does not fit ${algorithm.name}` };
  const payload = sign1.payload ?? detachedPayload;
  if (!payload) return { ok: false, reason: 'invalid', detail: 'the COSE_Sign1 has neither a payload nor a detached one' };
  const data = sigStructure(sign1, payload);
  const dsaEncoding = algorithm.hash ? { dsaEncoding: 'ieee-p1363' as const } : {};
  let valid: boolean;
  try {
    valid = verifySignature(algorithm.hash, data, { key, ...dsaEncoding }, sign1.signature);
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: 'invalid', detail: 'the signature does not verify' };
}

function keyCurve(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  if (key.asymmetricKeyType !== 'ec') return undefined;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
}

const EC2_CURVES = new Map<number, { crv: 'P-256' | 'P-384' | 'P-521'; bytes: number }>([
  [1, { crv: 'P-256', bytes: 32 }],
  [2, { crv: 'P-384', bytes: 48 }],
  [3, { crv: 'P-521', bytes: 66 }],
]);

export interface DeviceKey {
  jwk: PublicJwk;
  key: KeyObject;
}

/** A COSE_Key (RFC 9052 §7, RFC 9053 §7.1–7.2) for EC2 P-256/384/521 or OKP Ed25519, as a public JWK and key object. */
export function coseKeyToPublicKey(value: unknown): Parsed<DeviceKey> {
  if (!isMap(value)) return { ok: false, detail: 'the COSE_Key must be a map' };
  if (value.has(-4)) return { ok: false, detail: 'the COSE_Key contains private key material' };
  const kty = value.get(1);
  const crv = value.get(-1);
  const x = value.get(-2);
  let jwk: PublicJwk;
  if (kty === 2) {
    const curve = typeof crv === 'number' ? EC2_CURVES.get(crv) : undefined;
    const y = value.get(-3);
    if (!curve) return { ok: false, detail: 'the COSE_Key curve must be P-256, P-384 or P-521' };
    if (!isBytes(x) || !isBytes(y) || x.length !== curve.bytes || y.length !== curve.bytes) {
      return { ok: false, detail: `the COSE_Key "x" and "y" must be ${curve.bytes}-byte strings (compressed points are not accepted)` };
    }
    jwk = { kty: 'EC', crv: curve.crv, x: b64u(x), y: b64u(y) };
  } else if (kty === 1) {
    if (crv !== 6 || !isBytes(x) || x.length !== 32) return { ok: false, detail: 'an OKP COSE_Key must be Ed25519 with a 32-byte "x"' };
    jwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(x) };
  } else {
    return { ok: false, detail: 'the COSE_Key type must be EC2 or OKP' };
  }
  try {
    return { ok: true, value: { jwk, key: createPublicKey({ key: jwk, format: 'jwk' }) } };
  } catch {
    return { ok: false, detail: 'the COSE_Key is not a valid public key (point not on the curve)' };
  }
}

function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
