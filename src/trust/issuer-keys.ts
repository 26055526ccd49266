import type { CheckCode } from '../core/errors.js';
import type { ParsedJws } from '../core/model/presentation.js';
import { verifyCompactJws } from '../crypto/jws-verifier.js';
import { parsePublicJwkCached as parsePublicJwk } from './public-jwk-cache.js';
import { signatureAlgorithms } from '../crypto/signature-algorithms.js';
import type { VerificationKey } from '../crypto/verification-key.js';
import type { DidDocument } from '../did/did-document.js';
import type { DidResolver } from '../did/did-resolver.js';
import { isDid, splitDidUrl } from '../did/did-syntax.js';
import { verifyDidSignature } from '../did/verify-did-signature.js';
import { validateCertificateChain, type ChainPurpose } from './certificate-chain.js';
import type { JwtVcIssuerMetadataResolver } from './jwt-vc-issuer-metadata.js';
import type { TrustAnchorStore } from './trust-anchors.js';

/** A policy `trustedIssuers` entry that pins the issuer's keys: no fetch at all. */
export interface PinnedIssuer {
  id: string;
  jwks: { keys: unknown[] };
}

/** Where issuer keys may come from (built once in src/kparty.ts). */
export interface IssuerKeyEnvironment {
  dids: DidResolver;
  /** KPARTY_TRUST_ANCHORS. */
  anchors: TrustAnchorStore;
  /** https issuers' `/.well-known/jwt-vc-issuer`; without it that route answers `credential.issuer_untrusted`. */
  metadata?: JwtVcIssuerMetadataResolver;
  /** DID documents already resolved for this verification (the "resolve DIDs" check); `null`: it did not resolve. Else `dids` resolves. */
  didDocument?: (did: string) => DidDocument | null | undefined;
}

export interface IssuerSignatureRequest {
  /** The issuer-signed JWS (the header is read from `compact`). */
  jws: ParsedJws;
  /** The JWT's `iss` claim, when present. */
  iss: string | undefined;
  /** Accepted `typ` values, enforced on every route. */
  typ: string[];
  /** Key-usage rules for an `x5c` chain. */
  purpose: ChainPurpose;
  /** Issuers the policy pins keys for (every credential query's object entries). */
  pinned: readonly PinnedIssuer[];
  now: number;
  clockSkewSeconds: number;
}

export type IssuerKeyRoute = 'pinned' | 'did' | 'x5c' | 'jwt-vc-issuer';

export type IssuerSignatureResult =
  | {
      ok: true;
      /** The issuer identifier (results, audit, `trustedIssuers`): `iss`, or `x509_hash:…` (see below). */
      issuerId: string;
      route: IssuerKeyRoute;
      /** `x5c` only: base64url key identifiers of the validated path, for DCQL `trusted_authorities` `aki`. */
      x509KeyIds: string[];
    }
  | { ok: false; code: CheckCode; detail: string };

/** Most keys a pinned JWK set may list (the policy schema says the same). */
export const MAX_PINNED_KEYS = 20;
/** Most `x5c` entries read (base64 DER, at most 16 KiB each after decoding). */
const MAX_X5C_ENTRY_LENGTH = 24 * 1024;

/**
 * Verifies the issuer's signature of a JOSE credential or status list token
 * with a key found by ONE route, chosen from what the token says, in this
 * order (docs/security.md, "Issuer keys"):
 *
 * 1. **pinned**: the policy has a `trustedIssuers` entry `{ id, jwks }` whose
 *    `id` is `iss` — its keys only, nothing fetched;
 * 2. **did**: `iss` is a DID (a `kid` must be a DID URL of it) — the DID
 *    resolvers and the `assertionMethod` keys, as for W3C credentials;
 * 3. **x5c**: the header carries `x5c` — the chain must validate to
 *    KPARTY_TRUST_ANCHORS (certificate-chain.ts) and the leaf key verify;
 * 4. **jwt-vc-issuer**: `iss` is an https URL — its JWT VC Issuer Metadata
 *    (jwt-vc-issuer-metadata.ts), key chosen by `kid` when given.
 *
 * Header `jwk`, `jku` and `x5u` are never used. The algorithm allow-list is
 * the key's (src/crypto/signature-algorithms.ts).
 *
 * Issuer identifier for `x5c`: `iss` only when the leaf certificate vouches
 * for it — a subjectAltName URI equal to `iss`, or a dNSName equal to the
 * host of an https `iss`; otherwise `x509_hash:<base64url SHA-256 of the
 * leaf>` (OpenID4VP 1.0). The credential is not refused for a mismatch (the
 * SD-JWT VC draft does not require `iss` to match a SAN), but an unbacked
 * `iss` never satisfies a `trustedIssuers` entry naming it.
 *
 * Never throws.
 */
export async function verifyIssuerSignature(request: IssuerSignatureRequest, env: IssuerKeyEnvironment): Promise<IssuerSignatureResult> {
  const { jws, iss } = request;
  const header = decodeHeader(jws.compact);
  if (!header) return { ok: false, code: 'credential.malformed', detail: 'the JWS header is not a JSON object' };

  const pinned = iss !== undefined ? request.pinned.find((entry) => entry.id === iss) : undefined;
  if (pinned && iss !== undefined) return verifyWithJwks(jws, pinned.jwks.keys, iss, 'pinned', request.typ);

  if (iss !== undefined && isDid(iss)) {
    if (jws.kid !== undefined && splitDidUrl(jws.kid)?.did !== iss) {
      return { ok: false, code: 'did.key_not_found', detail: '"kid" is not a DID URL of the issuer' };
    }
    const document = await didDocumentOf(iss, env);
    if (!document.ok) return { ok: false, code: document.code, detail: document.detail };
    const verified = await verifyDidSignature(jws, iss, document.document, 'assertionMethod', { typ: request.typ });
    if (verified.ok) return { ok: true, issuerId: iss, route: 'did', x509KeyIds: [] };
    return { ok: false, code: didFailureCode(verified.reason), detail: verified.detail };
  }

  if (header.x5c !== undefined) {
    const chain = readX5c(header.x5c);
    if (!chain) return { ok: false, code: 'credential.malformed', detail: '"x5c" must be a non-empty array of base64 DER certificates' };
    const validation = validateCertificateChain(chain, env.anchors, {
      now: request.now,
      clockSkewSeconds: request.clockSkewSeconds,
      purpose: request.purpose,
    });
    if (!validation.ok) return { ok: false, code: validation.code, detail: validation.detail };
    let key: VerificationKey | null;
    try {
      key = verificationKey(validation.publicKey.export({ format: 'jwk' }), validation.issuerId);
    } catch {
      key = null;
    }
    if (!key) return { ok: false, code: 'credential.signature_invalid', detail: "the signing certificate's key cannot verify JWS signatures" };
    const verified = await verifyCompactJws(jws.compact, key, { typ: request.typ });
    if (!verified.ok) return { ok: false, code: jwsFailureCode(verified.reason), detail: verified.detail };
    const issuerId = iss !== undefined && certificateNames(validation.leaf.subjectAltName, iss) ? iss : validation.issuerId;
    return { ok: true, issuerId, route: 'x5c', x509KeyIds: validation.keyIds };
  }

  if (iss !== undefined && /^https?:\/\//i.test(iss)) {
    if (!env.metadata) return { ok: false, code: 'credential.issuer_untrusted', detail: 'issuer metadata is not looked up here' };
    const found = await env.metadata.keys(iss);
    if (!found.ok) return { ok: false, code: 'credential.issuer_untrusted', detail: `the issuer's keys: ${found.detail}` };
    return verifyWithJwks(jws, found.jwks.keys, iss, 'jwt-vc-issuer', request.typ);
  }

  return {
    ok: false,
    code: 'credential.issuer_untrusted',
    detail: 'no key source: the issuer is neither a DID, an https URL with metadata, an x5c chain nor pinned in the policy',
  };
}

/** The DID document: the one resolved for this verification, else resolved now. */
export async function didDocumentOf(
  did: string,
  env: Pick<IssuerKeyEnvironment, 'dids' | 'didDocument'>,
): Promise<{ ok: true; document: DidDocument } | { ok: false; code: CheckCode; detail: string }> {
  const known = env.didDocument?.(did);
  if (known === null) return { ok: false, code: 'did.unresolvable', detail: `${did.slice(0, 200)} did not resolve` };
  if (known !== undefined) return { ok: true, document: known };
  const resolution = await env.dids.resolve(did);
  return resolution.ok ? { ok: true, document: resolution.document } : { ok: false, code: resolution.code, detail: resolution.detail };
}

/**
 * Verifies with the keys of a JWK set (pinned or fetched): when the header has
 * a `kid`, the keys with that `kid` and the keys without one; else each usable key.
 */
async function verifyWithJwks(
  jws: ParsedJws,
  jwks: readonly unknown[],
  issuerId: string,
  route: IssuerKeyRoute,
  typ: string[],
): Promise<IssuerSignatureResult> {
  const kidOf = (jwk: unknown): unknown => (typeof jwk === 'object' && jwk !== null ? (jwk as { kid?: unknown }).kid : undefined);
  const candidates = jwks.filter((jwk) => jws.kid === undefined || kidOf(jwk) === undefined || kidOf(jwk) === jws.kid);
  if (candidates.length === 0) return { ok: false, code: 'credential.signature_invalid', detail: `no ${route} key of the issuer has this "kid"` };
  let forbidden: string | undefined;
  for (const jwk of candidates) {
    const key = verificationKey(jwk, issuerId);
    if (!key) continue;
    const verified = await verifyCompactJws(jws.compact, key, { typ });
    if (verified.ok) return { ok: true, issuerId, route, x509KeyIds: [] };
    if (verified.reason === 'alg_forbidden') forbidden = verified.detail;
    if (verified.reason === 'malformed') return { ok: false, code: 'credential.malformed', detail: verified.detail };
  }
  if (forbidden !== undefined) return { ok: false, code: 'credential.alg_forbidden', detail: forbidden };
  return {
    ok: false,
    code: 'credential.signature_invalid',
    detail: `the signature does not verify with the issuer's ${route === 'pinned' ? 'pinned' : 'published'} keys`,
  };
}

function verificationKey(input: unknown, controller: string): VerificationKey | null {
  const parsed = parsePublicJwk(input);
  if (!parsed.ok) return null;
  const algorithms = signatureAlgorithms(parsed.jwk, parsed.usage);
  if (algorithms.length === 0) return null;
  return { id: controller, controller, jwk: parsed.jwk, algorithms };
}

function readX5c(value: unknown): Uint8Array[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > 10) return null;
  const out: Uint8Array[] = [];
  for (const entry of value) {
    if (typeof entry !== 'string' || entry.length > MAX_X5C_ENTRY_LENGTH || !/^[A-Za-z0-9+/]+={0,2}$/.test(entry)) return null;
    out.push(new Uint8Array(Buffer.from(entry, 'base64')));
  }
  return out;
}

/** Whether a subjectAltName (node:crypto's rendering) names `iss`: a URI equal to it, or a DNS name equal to its https host. */
export function certificateNames(subjectAltName: string | undefined, iss: string): boolean {
  if (!subjectAltName) return false;
  let host: string | undefined;
  try {
    const url = new URL(iss);
    if (url.protocol === 'https:') host = url.hostname.toLowerCase();
  } catch {
    host = undefined;
  }
  return splitAltNames(subjectAltName).some(
    ({ type, value }) => (type === 'URI' && value === iss) || (type === 'DNS' && host !== undefined && value.toLowerCase() === host),
  );
}

function splitAltNames(text: string): Array<{ type: string; value: string }> {
  // node renders `DNS:a.example, URI:https://x, …`; quoted values (JSON strings) when they contain separators.
  const out: Array<{ type: string; value: string }> = [];
  const pattern = /(DNS|URI|IP Address|email|DirName|othername|Registered ID):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (const match of text.matchAll(pattern)) {
    let value = match[2] ?? '';
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    }
    out.push({ type: match[1] as string, value });
  }
  return out;
}

function decodeHeader(compact: string): Record<string, unknown> | null {
  const part = compact.split('.')[0] ?? '';
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function didFailureCode(reason: 'key_not_found' | 'alg_forbidden' | 'signature_invalid'): CheckCode {
  if (reason === 'key_not_found') return 'did.key_not_found';
  return reason === 'alg_forbidden' ? 'credential.alg_forbidden' : 'credential.signature_invalid';
}

function jwsFailureCode(reason: 'alg_forbidden' | 'signature_invalid' | 'malformed'): CheckCode {
  if (reason === 'alg_forbidden') return 'credential.alg_forbidden';
  return reason === 'malformed' ? 'credential.malformed' : 'credential.signature_invalid';
}
