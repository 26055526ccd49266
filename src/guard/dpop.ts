/**
 * DPoP proof verification (RFC 9449 §4.3), pure: no storage, no framework, no
 * import from the rest of kparty — kparty itself (token endpoint,
 * forward-auth) and kparty/guard both use it. The caller supplies the request
 * (method and URL as the client addressed them), the clock, and the replay
 * check (RFC 9449 §11.1) on {@link dpopReplayKey}.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, EmbeddedJWK, errors as joseErrors, type JWK } from 'jose';

/** Signature algorithms accepted in DPoP proofs (advertised as `dpop_signing_alg_values_supported`). */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'EdDSA'] as const;
export type DpopAlgorithm = (typeof DPOP_ALGORITHMS)[number];

/** Longest DPoP header value read by default (kparty: KPARTY_DPOP_MAX_PROOF_BYTES); a proof is a few hundred bytes. */
export const MAX_DPOP_PROOF_LENGTH = 8192;
/** Longest `jti` accepted (RFC 9449 §4.2 asks for ≥ 96 bits of randomness; nothing needs more than this). */
export const MAX_DPOP_JTI_LENGTH = 256;

/** Why a proof was refused; stable, for logs and tests. `nonce` means: retry with the `DPoP-Nonce` given (RFC 9449 §8). */
export type DpopProofFailure =
  | 'missing'
  | 'multiple'
  | 'too_large'
  | 'malformed'
  | 'typ'
  | 'alg'
  | 'jwk'
  | 'signature'
  | 'htm'
  | 'htu'
  | 'iat'
  | 'jti'
  | 'ath'
  | 'nonce'
  | 'key_mismatch'
  | 'replayed';

export class DpopProofError extends Error {
  override readonly name = 'DpopProofError';
  constructor(
    readonly reason: DpopProofFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface DpopRequest {
  /** The HTTP method the client used, e.g. `POST`. */
  method: string;
  /** The URL the client addressed (scheme, host, port, path); query and fragment are ignored (RFC 9449 §4.3 item 9). */
  url: string;
}

export interface DpopVerifyOptions {
  /** Milliseconds since the epoch. */
  now: number;
  /** How far in the past `iat` may be, seconds. */
  maxAgeSeconds: number;
  /** How far in the future `iat` may be, seconds (clock skew). */
  clockSkewSeconds: number;
  /** When the proof accompanies an access token: the token, whose hash `ath` must carry. */
  accessToken?: string;
  /** When set, the proof's key must have this RFC 7638 thumbprint (a bound token's `cnf.jkt`, a session's key). */
  expectedJkt?: string;
  /** When set, the proof's `nonce` must satisfy it (server-provided nonces, RFC 9449 §8/§9). */
  nonce?: (value: string | undefined) => boolean;
  /** Longest header value read, characters; default {@link MAX_DPOP_PROOF_LENGTH}. */
  maxProofLength?: number;
}

export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key (base64url): what `cnf.jkt` binds to. */
  jkt: string;
  jti: string;
  /** Seconds since the epoch. */
  iat: number;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** The one DPoP header of a request: several (or a list) are refused (RFC 9449 §4.3 item 1). */
export function singleDpopHeader(value: string | readonly string[] | undefined, maxLength: number = MAX_DPOP_PROOF_LENGTH): string {
  if (value === undefined || value === '') throw new DpopProofError('missing', 'a DPoP proof is required (DPoP header)');
  if (Array.isArray(value)) {
    if (value.length !== 1) throw new DpopProofError('multiple', 'send exactly one DPoP header');
    return singleDpopHeader(value[0], maxLength);
  }
  const proof = (value as string).trim();
  if (proof.length > maxLength) throw new DpopProofError('too_large', 'the DPoP proof is too large');
  if (!COMPACT_JWS.test(proof)) throw new DpopProofError('malformed', 'the DPoP header must be one compact JWS');
  return proof;
}

/** base64url(SHA-256(access token)): the `ath` claim (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The key under which a proof's single use is recorded: its key's thumbprint and its `jti` (RFC 9449 §11.1). */
export function dpopReplayKey(proof: VerifiedDpopProof): string {
  return `${proof.jkt}:${createHash('sha256').update(proof.jti).digest('base64url')}`;
}

/** RFC 9449 §4.3 item 9: scheme, host and port compared case-insensitively after normalisation, path exactly; no query, no fragment. */
export function normalizeHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return `${url.protocol}//${url.host}${url.pathname}`;
}

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * Verifies a DPoP proof JWT against the request it came with: `typ`
 * dpop+jwt, an allowed asymmetric `alg`, a public `jwk` in the header that
 * verifies the signature, `htm` = method, `htu` = URL, `iat` within the
 * window, a `jti`, `ath` when an access token is presented, the expected
 * key and nonce when asked. The replay check is the caller's, on
 * {@link dpopReplayKey}, after this succeeds.
 *
 * @throws DpopProofError
 */
export async function verifyDpopProof(
  header: string | readonly string[] | undefined,
  request: DpopRequest,
  options: DpopVerifyOptions,
): Promise<VerifiedDpopProof> {
  const proof = singleDpopHeader(header, options.maxProofLength);
  let protectedHeader: ReturnType<typeof decodeProtectedHeader>;
  try {
    protectedHeader = decodeProtectedHeader(proof);
  } catch {
    throw new DpopProofError('malformed', 'the DPoP proof header is not valid JSON');
  }
  if (protectedHeader.typ !== 'dpop+jwt') throw new DpopProofError('typ', 'the DPoP proof must have typ dpop+jwt');
  if (!(DPOP_ALGORITHMS as readonly string[]).includes(String(protectedHeader.alg))) {
    throw new DpopProofError('alg', `the DPoP proof must be signed with one of ${DPOP_ALGORITHMS.join(', ')}`);
  }
  const jwk = protectedHeader.jwk as JWK | undefined;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk) || PRIVATE_JWK_MEMBERS.some((m) => m in jwk)) {
    throw new DpopProofError('jwk', 'the DPoP proof header must carry the public key as jwk (and no private key)');
  }
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(proof, EmbeddedJWK, { algorithms: [...DPOP_ALGORITHMS] }));
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw new DpopProofError('signature', 'the DPoP proof signature does not verify');
    throw new DpopProofError('jwk', 'the DPoP proof key cannot verify it');
  }
  let claims: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    claims = parsed as Record<string, unknown>;
  } catch {
    throw new DpopProofError('malformed', 'the DPoP proof payload is not a JSON object');
  }
  const { jti, htm, htu, iat, ath, nonce } = claims;
  if (!isString(jti) || jti.length === 0 || jti.length > MAX_DPOP_JTI_LENGTH) throw new DpopProofError('jti', 'the DPoP proof needs a jti');
  if (!isString(htm) || htm !== request.method.toUpperCase()) throw new DpopProofError('htm', 'the DPoP proof is for another HTTP method');
  const expectedHtu = normalizeHtu(request.url);
  if (!isString(htu) || expectedHtu === undefined || normalizeHtu(htu) !== expectedHtu) {
    throw new DpopProofError('htu', 'the DPoP proof is for another URL');
  }
  const nowSeconds = Math.floor(options.now / 1000);
  if (typeof iat !== 'number' || !Number.isFinite(iat) || iat > nowSeconds + options.clockSkewSeconds || iat < nowSeconds - options.maxAgeSeconds) {
    throw new DpopProofError('iat', 'the DPoP proof was not made just now (iat)');
  }
  if (options.accessToken !== undefined) {
    const expected = accessTokenHash(options.accessToken);
    if (!isString(ath) || ath.length !== expected.length || !timingSafeEqual(Buffer.from(ath), Buffer.from(expected))) {
      throw new DpopProofError('ath', 'the DPoP proof is for another access token (ath)');
    }
  }
  if (options.nonce && !options.nonce(isString(nonce) ? nonce : undefined)) {
    throw new DpopProofError('nonce', 'use the DPoP-Nonce the server provided');
  }
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  if (options.expectedJkt !== undefined && jkt !== options.expectedJkt) {
    throw new DpopProofError('key_mismatch', 'the DPoP proof is signed by another key than the one the token is bound to');
  }
  return { jkt, jti, iat };
}

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9) without shared state: a
 * nonce names a time window and carries an HMAC of it under a secret every
 * replica shares, so any replica accepts what any other issued. A nonce is
 * valid in its window and the next one.
 */
export class DpopNonces {
  readonly #secret: Buffer;

  constructor(
    secret: string | Uint8Array,
    private readonly windowSeconds: number,
  ) {
    this.#secret = Buffer.from(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
    if (this.#secret.length < 16) throw new TypeError('DpopNonces: the secret must have at least 16 bytes');
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) throw new TypeError('DpopNonces: windowSeconds must be a positive integer');
  }

  /** A nonce for the window of `now` (ms). */
  current(now: number): string {
    return this.#forWindow(Math.floor(now / 1000 / this.windowSeconds));
  }

  /** Whether `nonce` was issued for the window of `now` or the one before. */
  accepts(nonce: string | undefined, now: number): boolean {
    if (nonce === undefined || nonce.length > 128) return false;
    const window = Math.floor(now / 1000 / this.windowSeconds);
    return [window, window - 1].some((w) => {
      const expected = Buffer.from(this.#forWindow(w));
      const given = Buffer.from(nonce);
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }

  #forWindow(window: number): string {
    const tag = createHmac('sha256', this.#secret).update(`kparty-dpop-nonce:${window}`).digest('base64url').slice(0, 32);
    return `${window.toString(36)}.${tag}`;
  }

  /** A random secret, for a single process. */
  static randomSecret(): Buffer {
    return randomBytes(32);
  }
}
