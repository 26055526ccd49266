import type { KeyObject } from 'node:crypto';
import type { ProtectedHeaderParameters } from 'jose';
import { decodeBase64url } from './base64url.js';
import { ImportedKeyCache } from './imported-key-cache.js';
import { isNodeAlgorithm, verifyJwsSignature } from './node-signatures.js';
import type { VerificationKey } from './verification-key.js';

export type JwsVerification =
  | { ok: true; payload: Uint8Array; header: ProtectedHeaderParameters }
  | {
      ok: false;
      /**
       * - `alg_forbidden`: `none`, an HMAC algorithm, or an `alg` outside the key's allow-list;
       * - `signature_invalid`: the signature does not verify with this key (also: a `crit`
       *   header kparty does not understand, a key WebCrypto refuses);
       * - `malformed`: not a compact JWS, an unreadable header, an unexpected `typ`.
       */
      reason: 'alg_forbidden' | 'signature_invalid' | 'malformed';
      /** Short and safe to show; never a library's message. */
      detail: string;
      /** The library error behind the failure, for logs only. */
      cause?: unknown;
    };

export interface JwsVerifyOptions {
  /**
   * Accepted `typ` header values (RFC 7515 §4.1.9), compared like jose's
   * `jwtVerify` does: case-insensitively, `application/` optional. When set,
   * a token without `typ` is refused.
   */
  typ?: string | string[];
  /** The imported-key cache to use; defaults to one shared by the process. */
  keyCache?: ImportedKeyCache;
}

const sharedKeyCache = new ImportedKeyCache();

/** The process's shared imported-key cache (for metrics and the memory benchmark). */
export function sharedImportedKeyCache(): Pick<ImportedKeyCache, 'size' | 'capacity'> {
  return sharedKeyCache;
}

/** Longest compact JWS accepted (the HTTP body limit is 1 MiB). */
const MAX_COMPACT_JWS_LENGTH = 1024 * 1024;

/**
 * Verifies a compact JWS (RFC 7515 §7.1) with a key the caller chose from the
 * signer's DID document. This is the one signature check every format
 * handler calls.
 *
 * The header never picks the key or its source: `jwk`, `jku`, `x5u`, `x5c`
 * and `kid` are ignored here (the caller used `kid` to select `key`). The
 * algorithm is decided from the header BEFORE any cryptography: `none`,
 * `HS*` (the public key used as an HMAC secret, the classic confusion attack)
 * and anything outside `key.algorithms` (the allow-list of docs/architecture.md
 * "House rules" 5) give `alg_forbidden`. The signature is then verified with
 * node:crypto and the key imported once into a `KeyObject`
 * (imported-key-cache.ts), on the thread pool or inline as
 * offload-policy.ts decides — on the hot path of every verification this
 * costs the event loop less than jose's WebCrypto calls did (issue 7),
 * ES256K included (node-signatures.ts). The test suite checks every
 * algorithm against signatures made by jose (ES256K: by @noble/curves).
 *
 * `crit` (RFC 7515 §4.1.11): kparty understands no extension header, so any
 * `crit` gives `signature_invalid` — on both paths alike. `b64: false`
 * (RFC 7797 unencoded payloads) is refused as `malformed`.
 *
 * Never throws.
 */
export async function verifyCompactJws(compact: string, key: VerificationKey, options: JwsVerifyOptions = {}): Promise<JwsVerification> {
  if (typeof compact !== 'string' || compact.length > MAX_COMPACT_JWS_LENGTH) {
    return malformed('not a compact JWS');
  }
  const parts = compact.split('.');
  if (parts.length !== 3) return malformed('not a compact JWS');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];

  const header = decodeHeader(encodedHeader);
  if (!header) return malformed('the JWS header is not base64url-encoded JSON');

  const alg = header.alg;
  if (typeof alg !== 'string' || alg.length === 0) return malformed('the JWS header has no alg');
  if (alg === 'none' || alg.startsWith('HS') || !key.algorithms.includes(alg)) {
    return { ok: false, reason: 'alg_forbidden', detail: `${describeAlg(alg)} is not allowed for this key` };
  }
  if (header.crit !== undefined) {
    return { ok: false, reason: 'signature_invalid', detail: 'the JWS names critical header parameters kparty does not support' };
  }
  if (header.b64 !== undefined && header.b64 !== true) {
    return malformed('unencoded JWS payloads are not supported');
  }
  if (options.typ !== undefined && !typMatches(header.typ, options.typ)) {
    return malformed('unexpected JWS typ');
  }

  const payload = decodeBase64url(encodedPayload);
  if (!payload) return malformed('the JWS payload is not base64url');
  const signature = decodeBase64url(encodedSignature);
  if (!signature) {
    return { ok: false, reason: 'malformed', detail: 'the JWS is malformed', cause: new TypeError('the JWS signature is not base64url') };
  }
  // Three base64url parts and two dots: the signing input is ASCII.
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'latin1');

  if (!isNodeAlgorithm(alg)) return { ok: false, reason: 'alg_forbidden', detail: `${describeAlg(alg)} is not supported` };

  let publicKey: KeyObject;
  try {
    publicKey = (options.keyCache ?? sharedKeyCache).get(key.jwk);
  } catch (cause) {
    return { ok: false, reason: 'signature_invalid', detail: 'the verification key cannot be used', cause };
  }
  try {
    const valid = await verifyJwsSignature(alg, signingInput, publicKey, signature);
    return valid ? { ok: true, payload, header } : signatureInvalid();
  } catch (cause) {
    return { ok: false, reason: 'signature_invalid', detail: 'the signature could not be verified', cause };
  }
}

function signatureInvalid(): JwsVerification {
  return { ok: false, reason: 'signature_invalid', detail: 'the signature does not verify' };
}

/** Refuses invalid UTF-8 rather than replacing it. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeHeader(encoded: string): ProtectedHeaderParameters | null {
  const bytes = decodeBase64url(encoded);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(STRICT_UTF8.decode(bytes));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    return value as ProtectedHeaderParameters;
  } catch {
    return null;
  }
}

function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function typMatches(actual: unknown, expected: string | string[]): boolean {
  if (typeof actual !== 'string') return false;
  const wanted = (Array.isArray(expected) ? expected : [expected]).map(normalizeTyp);
  return wanted.includes(normalizeTyp(actual));
}

/** Names the header's alg in a detail only when it looks like an algorithm name. */
function describeAlg(alg: string): string {
  return /^[A-Za-z0-9+_-]{1,32}$/.test(alg) ? `alg "${alg}"` : 'the alg';
}

function malformed(detail: string): JwsVerification {
  return { ok: false, reason: 'malformed', detail };
}
