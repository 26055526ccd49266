import { parsePublicJwk, type JwkUsage, type PublicJwk } from '../crypto/public-jwk.js';
import { rawPublicKeyToJwk, type RawKeyType } from '../crypto/raw-public-key.js';
import { signatureAlgorithms } from '../crypto/signature-algorithms.js';
import type { VerificationKey } from '../crypto/verification-key.js';
import { decodeBase58btc } from './base58btc.js';
import { decodeMultibaseKey, type KeyCodecName } from './multikey.js';

/**
 * Reads the public key of one verification method (DID Core §5.2.1) whatever
 * its encoding, from untrusted JSON:
 *
 * - `publicKeyJwk` — JsonWebKey2020, JsonWebKey, EcdsaSecp256k1VerificationKey2019
 *   and any other type carrying a JWK: the JWK alone says what the key is.
 * - `publicKeyMultibase` — Multikey (any key codec of multikey.ts),
 *   Ed25519VerificationKey2020 (ed25519-pub only), X25519KeyAgreementKey2020
 *   (x25519-pub only).
 * - `publicKeyBase58` (raw key bytes) — Ed25519VerificationKey2018,
 *   X25519KeyAgreementKey2019, EcdsaSecp256k1VerificationKey2019, P256Key2021.
 *
 * A method with more than one key encoding is refused: which one would be
 * meant is ambiguous (DID Core lets a method have exactly one).
 *
 * @param absoluteId - the method's id, made absolute against the document's DID.
 * @param did - the DID whose document lists the method; the controller when the method names none.
 */
export function verificationMethodKey(
  method: Record<string, unknown>,
  absoluteId: string,
  did: string,
): { ok: true; key: VerificationKey } | { ok: false; detail: string } {
  const encodings = ['publicKeyJwk', 'publicKeyMultibase', 'publicKeyBase58'].filter((name) => method[name] !== undefined);
  if (encodings.length !== 1) return { ok: false, detail: 'the verification method has no single public key' };
  const type = method.type;
  if (typeof type !== 'string') return { ok: false, detail: 'the verification method has no type' };

  const read = readKey(method, type);
  if (!read.ok) return read;
  const controller = typeof method.controller === 'string' ? method.controller : did;
  return {
    ok: true,
    key: { id: absoluteId, controller, jwk: read.jwk, algorithms: signatureAlgorithms(read.jwk, read.usage) },
  };
}

/** Which multicodec keys a `publicKeyMultibase` type may carry; `null`: any. */
const MULTIBASE_TYPES: Record<string, readonly KeyCodecName[] | null> = {
  Multikey: null,
  Ed25519VerificationKey2020: ['ed25519-pub'],
  X25519KeyAgreementKey2020: ['x25519-pub'],
};

/** The raw key type a `publicKeyBase58` method type holds. */
const BASE58_TYPES: Record<string, RawKeyType> = {
  Ed25519VerificationKey2018: 'Ed25519',
  X25519KeyAgreementKey2019: 'X25519',
  EcdsaSecp256k1VerificationKey2019: 'secp256k1',
  P256Key2021: 'P-256',
};

type ReadKey = { ok: true; jwk: PublicJwk; usage: JwkUsage } | { ok: false; detail: string };

function readKey(method: Record<string, unknown>, type: string): ReadKey {
  if (method.publicKeyJwk !== undefined) {
    const parsed = parsePublicJwk(method.publicKeyJwk);
    return parsed.ok ? parsed : { ok: false, detail: `publicKeyJwk: ${parsed.detail}` };
  }
  if (method.publicKeyMultibase !== undefined) {
    const allowed = Object.hasOwn(MULTIBASE_TYPES, type) ? MULTIBASE_TYPES[type] : undefined;
    if (allowed === undefined || typeof method.publicKeyMultibase !== 'string') {
      return { ok: false, detail: `unsupported verification method type for publicKeyMultibase` };
    }
    const key = decodeMultibaseKey(method.publicKeyMultibase);
    if (!key.ok) return { ok: false, detail: `publicKeyMultibase: ${key.detail}` };
    if (allowed !== null && !allowed.includes(key.codec)) {
      return { ok: false, detail: 'publicKeyMultibase does not hold the key type its method type names' };
    }
    return { ok: true, jwk: key.jwk, usage: {} };
  }
  const keyType = Object.hasOwn(BASE58_TYPES, type) ? BASE58_TYPES[type] : undefined;
  if (keyType === undefined || typeof method.publicKeyBase58 !== 'string') {
    return { ok: false, detail: 'unsupported verification method type for publicKeyBase58' };
  }
  const bytes = decodeBase58btc(method.publicKeyBase58);
  const jwk = bytes ? rawPublicKeyToJwk(keyType, bytes) : null;
  return jwk ? { ok: true, jwk, usage: {} } : { ok: false, detail: 'publicKeyBase58 is not a valid key' };
}
