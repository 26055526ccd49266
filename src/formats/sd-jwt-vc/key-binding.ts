import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import { verifyCompactJws } from '../../crypto/jws-verifier.js';
import { parsePublicJwkCached as parsePublicJwk } from '../../trust/public-jwk-cache.js';
import { signatureAlgorithms } from '../../crypto/signature-algorithms.js';
import type { DidDocument } from '../../did/did-document.js';
import type { DidResolver } from '../../did/did-resolver.js';
import { didDocumentOf } from '../../trust/issuer-keys.js';
import { splitDidUrl } from '../../did/did-syntax.js';
import { verifyDidSignature } from '../../did/verify-did-signature.js';
import { decodeJwt } from '../jwt-parts.js';
import { sdDigest } from './disclosures.js';

/** JOSE `typ` of a Key Binding JWT (RFC 9901 §4.3). */
export const KB_JWT_TYP = 'kb+jwt';
/** RFC 9278 JWK thumbprint URI prefix (SHA-256). */
export const JWK_THUMBPRINT_URI = 'urn:ietf:params:oauth:jwk-thumbprint:sha-256:';

export interface KeyBindingRequest {
  /** The KB-JWT as presented; `undefined` when the SD-JWT ends with `~`. */
  kbJwt: string | undefined;
  /** The presentation up to and including its last `~`. */
  sdHashInput: string;
  /** The SD-JWT's `_sd_alg`. */
  hashAlgorithm: string;
  /** The issuer-signed payload's `cnf` claim (RFC 7800). */
  cnf: unknown;
  now: number;
  clockSkewSeconds: number;
  /** How old (`iat`) a KB-JWT may be, seconds: a challenge lives no longer (KPARTY_CHALLENGE_TTL). */
  maxAgeSeconds: number;
  dids: DidResolver;
  /** DID documents already resolved for this verification (see src/trust/issuer-keys.ts `didDocumentOf`). */
  didDocument?: (did: string) => DidDocument | null | undefined;
}

export type KeyBindingResult =
  | {
      ok: true;
      /** The holder: `cnf.kid`'s DID, else the RFC 9278 thumbprint URI of `cnf.jwk`. */
      holder: string;
      nonce: string;
      audience: string;
      issuedAt: number;
    }
  | { ok: false; code: 'challenge.missing' | 'sdjwt.key_binding_invalid' | 'did.unresolvable' | 'did.method_unsupported'; detail: string };

const invalid = (detail: string): KeyBindingResult => ({ ok: false, code: 'sdjwt.key_binding_invalid', detail });

/**
 * The holder's key binding (RFC 9901 §4.3, §7.3): always required for
 * `dc+sd-jwt`, since the KB-JWT carries the only challenge — without it the
 * presentation could be replayed (`challenge.missing`).
 *
 * - `typ` is `kb+jwt`; the signature verifies with the `cnf` key: `cnf.jwk`
 *   (its algorithm allow-list), or `cnf.kid`, a DID URL resolved through the
 *   DID resolvers (an `authentication` key of that DID);
 * - `sd_hash` is the digest (`_sd_alg`) of the exact presented string up to
 *   and including the last `~`;
 * - `iat` is not after now + skew nor older than `maxAgeSeconds` + skew;
 * - `nonce` and `aud` are strings; they are returned for the caller to
 *   compare with the challenge and the expected audience.
 *
 * Never throws.
 */
export async function verifyKeyBinding(request: KeyBindingRequest): Promise<KeyBindingResult> {
  if (request.kbJwt === undefined) {
    return {
      ok: false,
      code: 'challenge.missing',
      detail: 'the SD-JWT has no KB-JWT: dc+sd-jwt presentations must be key-bound (the KB-JWT carries the challenge)',
    };
  }
  const decoded = decodeJwt(request.kbJwt);
  if (!decoded.ok) return invalid(`the KB-JWT: ${decoded.detail}`);
  const { payload, jws } = decoded;
  if (jws.typ?.toLowerCase() !== KB_JWT_TYP) return invalid(`the KB-JWT's "typ" must be "${KB_JWT_TYP}"`);

  const cnf = request.cnf;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return invalid('the credential has no "cnf" key to bind it to a holder');
  const { jwk, kid } = cnf as { jwk?: unknown; kid?: unknown };
  let holder: string;
  if (jwk !== undefined) {
    const parsed = parsePublicJwk(jwk);
    if (!parsed.ok) return invalid(`"cnf.jwk": ${parsed.detail}`);
    const algorithms = signatureAlgorithms(parsed.jwk, parsed.usage);
    holder = `${JWK_THUMBPRINT_URI}${jwkThumbprint(parsed.jwk)}`;
    const verified = await verifyCompactJws(jws.compact, { id: holder, controller: holder, jwk: parsed.jwk, algorithms }, { typ: KB_JWT_TYP });
    if (!verified.ok)
      return invalid(verified.reason === 'signature_invalid' ? 'the KB-JWT is not signed by the credential\'s "cnf" key' : `the KB-JWT: ${verified.detail}`);
  } else if (typeof kid === 'string') {
    const did = splitDidUrl(kid)?.did;
    if (did === undefined || !kid.includes('#')) return invalid('"cnf.kid" must be a DID URL naming a verification method');
    const resolution = await didDocumentOf(did, { dids: request.dids, ...(request.didDocument ? { didDocument: request.didDocument } : {}) });
    if (!resolution.ok)
      return { ok: false, code: resolution.code === 'did.method_unsupported' ? 'did.method_unsupported' : 'did.unresolvable', detail: resolution.detail };
    const verified = await verifyDidSignature({ ...jws, kid }, did, resolution.document, 'authentication', { typ: [KB_JWT_TYP] });
    if (!verified.ok) return invalid(`the KB-JWT is not signed by the "cnf.kid" key: ${verified.detail}`);
    holder = did;
  } else {
    return invalid('"cnf" must hold a "jwk" or a DID URL "kid"');
  }

  const iat = payload.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return invalid('the KB-JWT has no numeric "iat"');
  const now = request.now / 1000;
  if (iat > now + request.clockSkewSeconds) return invalid('the KB-JWT is issued in the future');
  if (iat < now - request.maxAgeSeconds - request.clockSkewSeconds) return invalid('the KB-JWT is too old');
  const expected = sdDigest(request.sdHashInput, request.hashAlgorithm);
  if (payload.sd_hash !== expected) return invalid('the KB-JWT\'s "sd_hash" does not match the presented SD-JWT');
  if (typeof payload.nonce !== 'string' || payload.nonce.length === 0) {
    return { ok: false, code: 'challenge.missing', detail: 'the KB-JWT has no "nonce"' };
  }
  if (typeof payload.aud !== 'string' || payload.aud.length === 0) return invalid('the KB-JWT has no "aud" string');
  return { ok: true, holder, nonce: payload.nonce, audience: payload.aud, issuedAt: iat };
}
