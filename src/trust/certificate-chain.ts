import { createHash, type KeyObject, type X509Certificate } from 'node:crypto';
import { LruMap } from '../crypto/lru.js';
import type { TrustAnchorStore } from './trust-anchors.js';
import { parseCertificate, type ParsedCertificate } from './x509-parse.js';

/**
 * What a certificate chain is validated for; decides the leaf's key-usage
 * rules (docs/security.md, "X.509 trust anchors"):
 * - `credential-issuer` (SD-JWT VC `x5c`, other JOSE credentials) and
 *   `status-list-signer` (Token Status List tokens): keyUsage, when present,
 *   must include digitalSignature; extKeyUsage is not constrained.
 * - `mdoc-document-signer`: ISO/IEC 18013-5 Annex B — keyUsage present with
 *   digitalSignature, extKeyUsage present with 1.0.18013.5.1.2 (mdlDS).
 */
export type ChainPurpose = 'credential-issuer' | 'mdoc-document-signer' | 'status-list-signer';

export interface ChainOptions {
  /** ms since epoch (injected clock). */
  now: number;
  clockSkewSeconds: number;
  purpose: ChainPurpose;
  /**
   * DCQL `trusted_authorities` type `aki` values (base64url key identifiers,
   * OpenID4VP 1.0 §6.1.1). When given, some certificate of the validated path
   * (the anchor included) must have one of these key identifiers.
   */
  authorityKeyIds?: readonly string[];
}

export type ChainValidation =
  | {
      ok: true;
      leaf: X509Certificate;
      publicKey: KeyObject;
      /** `x509_hash:<base64url(SHA-256(leaf DER))>` (OpenID4VP 1.0 §5.9.3). */
      issuerId: string;
      /** base64url subject key identifiers of every certificate in the validated path, anchor included. */
      keyIds: string[];
    }
  | {
      ok: false;
      code: 'credential.issuer_untrusted' | 'credential.malformed' | 'credential.expired' | 'credential.not_yet_valid';
      detail: string;
    };

/** Most certificates an `x5c`/`x5chain` may carry. */
export const MAX_CHAIN_LENGTH = 10;

/** ISO/IEC 18013-5 Annex B: extended key usage of an mDL document signer. */
export const MDL_DS_EKU = '1.0.18013.5.1.2';

const DIGITAL_SIGNATURE = 1;
const KEY_CERT_SIGN = 32;
const WEAK_HASHES = new Set(['SHA-1', 'MD5', 'MD2']);

/** OpenID4VP 1.0 `x509_hash` identifier of a certificate: base64url SHA-256 of its DER. */
export function x509HashIdentifier(leafDer: Uint8Array): string {
  return `x509_hash:${createHash('sha256').update(leafDer).digest('base64url')}`;
}

/**
 * RFC 5280 §6 path validation of a chain given leaf first (`x5c`, RFC 7515
 * §4.1.6: each certificate certifies the previous one), ending at a
 * certificate of `anchors`. The chain may omit the anchor (HAIP) or include
 * it. Checks: issuer/subject name chaining (and key identifiers when both are
 * present), every signature, validity at `now` ± skew for every certificate
 * including the anchor, basicConstraints cA and keyCertSign on every issuer,
 * pathLenConstraint, no unprocessed critical extension, no SHA-1/MD5
 * signature, the leaf is not self-signed and not a CA, the leaf's key usage
 * for `purpose`. No network: CRLs and OCSP are not fetched (docs/security.md).
 * The path found for a chain is remembered per anchor store (a bounded LRU);
 * validity, key usage and `trusted_authorities` are checked on every call.
 *
 * Never throws.
 */
export function validateCertificateChain(chainDer: readonly Uint8Array[], anchors: TrustAnchorStore, options: ChainOptions): ChainValidation {
  if (!Array.isArray(chainDer) || chainDer.length === 0) return fail('credential.malformed', 'the certificate chain is empty');
  if (chainDer.length > MAX_CHAIN_LENGTH) return fail('credential.malformed', `the certificate chain has more than ${MAX_CHAIN_LENGTH} certificates`);
  if (!chainDer.every((der) => der instanceof Uint8Array)) return fail('credential.malformed', 'a certificate is not DER bytes');
  const built = buildPathCached(chainDer, anchors);
  if (!built.ok) return built;
  const { full } = built;
  const leaf = full[0] as ParsedCertificate;

  // Validity at `now`, every certificate including the anchor.
  const skew = options.clockSkewSeconds * 1000;
  for (const [index, cert] of full.entries()) {
    const role = describe(index, full.length);
    if (options.now + skew < cert.notBefore) return fail('credential.not_yet_valid', `the ${role} certificate is not yet valid`);
    if (options.now - skew > cert.notAfter) return fail('credential.expired', `the ${role} certificate has expired`);
  }

  const leafRule = leafUsage(leaf, options.purpose);
  if (leafRule) return fail('credential.issuer_untrusted', leafRule);

  if (options.authorityKeyIds !== undefined && !options.authorityKeyIds.some((aki) => built.keyIds.includes(aki))) {
    return fail('credential.issuer_untrusted', 'the certificate chain matches none of the trusted_authorities');
  }
  return { ok: true, leaf: leaf.node, publicKey: leaf.node.publicKey, issuerId: built.issuerId, keyIds: [...built.keyIds] };
}

/** What does not depend on the time, the purpose or the policy: the validated path (leaf … anchor) or why there is none. */
type BuiltPath = { ok: true; full: ParsedCertificate[]; keyIds: string[]; issuerId: string } | Extract<ChainValidation, { ok: false }>;

/** Chains validated per anchor store (a bounded LRU each): the same issuer certificates come back on every verification. */
export const CHAIN_CACHE_SIZE = 1024;
const pathCaches = new WeakMap<TrustAnchorStore, LruMap<string, BuiltPath>>();

function buildPathCached(chainDer: readonly Uint8Array[], anchors: TrustAnchorStore): BuiltPath {
  const hash = createHash('sha256');
  for (const der of chainDer) hash.update(String(der.length)).update(':').update(der);
  const key = hash.digest('base64url');
  let cache = pathCaches.get(anchors);
  if (!cache) {
    cache = new LruMap<string, BuiltPath>(CHAIN_CACHE_SIZE);
    pathCaches.set(anchors, cache);
  }
  const known = cache.get(key);
  if (known) return known;
  const built = buildPath(chainDer, anchors);
  cache.set(key, built);
  return built;
}

/**
 * Parses the chain and builds the path to an anchor: name chaining, key
 * identifiers, signatures, no self-signed or CA leaf, no SHA-1/MD5, no
 * unprocessed critical extension, every issuer a CA with keyCertSign within
 * its pathLenConstraint.
 */
function buildPath(chainDer: readonly Uint8Array[], anchors: TrustAnchorStore): BuiltPath {
  const certs: ParsedCertificate[] = [];
  for (const [index, der] of chainDer.entries()) {
    const parsed = parseCertificate(der);
    if (!parsed.ok) return fail('credential.malformed', `certificate #${index}: ${parsed.detail}`);
    certs.push(parsed.certificate);
  }
  const leaf = certs[0] as ParsedCertificate;
  if (issuedBy(leaf, leaf)) return fail('credential.issuer_untrusted', 'the signing certificate is self-signed');
  if (leaf.ca) return fail('credential.issuer_untrusted', 'the signing certificate is a CA certificate');

  // Build the path: leaf, intermediates from the chain, then an anchor.
  const path: ParsedCertificate[] = [leaf];
  let anchor: ParsedCertificate | undefined;
  for (let i = 0; anchor === undefined; i++) {
    const current = path[i] as ParsedCertificate;
    if (i > 0 && anchors.has(current)) {
      anchor = path.pop();
      break;
    }
    anchor = anchors.candidatesFor(current.node.issuer).find((candidate) => issuedBy(current, candidate));
    if (anchor) break;
    const next = certs[i + 1];
    if (!next) return fail('credential.issuer_untrusted', 'the certificate chain does not lead to a configured trust anchor');
    if (!issuedBy(current, next)) return fail('credential.issuer_untrusted', `certificate #${i} is not issued by certificate #${i + 1}`);
    path.push(next);
  }
  const full: ParsedCertificate[] = [...path, anchor as ParsedCertificate];

  for (const [index, cert] of path.entries()) {
    const role = describe(index, full.length);
    if (cert.signatureHash !== undefined && WEAK_HASHES.has(cert.signatureHash.toUpperCase())) {
      return fail('credential.issuer_untrusted', `the ${role} certificate is signed with ${cert.signatureHash}`);
    }
    if (cert.unknownCritical.length > 0) {
      return fail('credential.issuer_untrusted', `the ${role} certificate has a critical extension kparty does not process (${cert.unknownCritical[0]})`);
    }
  }

  // Every issuer (intermediates and the anchor) must be a CA allowed to sign certificates, within its path length.
  for (let index = 1; index < full.length; index++) {
    const cert = full[index] as ParsedCertificate;
    const role = describe(index, full.length);
    if (!cert.ca) return fail('credential.issuer_untrusted', `the ${role} certificate is not a CA (basicConstraints)`);
    if (cert.keyUsage !== undefined && (cert.keyUsage & KEY_CERT_SIGN) === 0) {
      return fail('credential.issuer_untrusted', `the ${role} certificate may not sign certificates (keyUsage)`);
    }
    const intermediatesBelow = index - 1;
    if (cert.pathLength !== undefined && intermediatesBelow > cert.pathLength) {
      return fail('credential.issuer_untrusted', `the ${role} certificate allows at most ${cert.pathLength} intermediate certificates (pathLenConstraint)`);
    }
  }

  const keyIds = [...new Set(full.flatMap((cert) => (cert.subjectKeyId ? [cert.subjectKeyId] : [])))];
  // A certificate without a subjectKeyIdentifier is still identified by its child's authorityKeyIdentifier.
  for (const cert of path) if (cert.authorityKeyId && !keyIds.includes(cert.authorityKeyId)) keyIds.push(cert.authorityKeyId);
  return { ok: true, full, keyIds, issuerId: x509HashIdentifier(leaf.der) };
}

function leafUsage(leaf: ParsedCertificate, purpose: ChainPurpose): string | undefined {
  if (purpose === 'mdoc-document-signer') {
    if (leaf.keyUsage === undefined || (leaf.keyUsage & DIGITAL_SIGNATURE) === 0) {
      return 'the document signer certificate lacks keyUsage digitalSignature (ISO/IEC 18013-5 Annex B)';
    }
    if (!leaf.extKeyUsage?.includes(MDL_DS_EKU)) {
      return `the document signer certificate lacks extKeyUsage ${MDL_DS_EKU} (ISO/IEC 18013-5 Annex B)`;
    }
    return undefined;
  }
  if (leaf.keyUsage !== undefined && (leaf.keyUsage & DIGITAL_SIGNATURE) === 0) {
    return 'the signing certificate lacks keyUsage digitalSignature';
  }
  return undefined;
}

/** Whether `child` names `parent` as issuer and carries its valid signature. */
function issuedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  if (child.node.issuer !== parent.node.subject) return false;
  if (child.authorityKeyId !== undefined && parent.subjectKeyId !== undefined && child.authorityKeyId !== parent.subjectKeyId) return false;
  try {
    return child.node.verify(parent.node.publicKey);
  } catch {
    return false;
  }
}

function describe(index: number, length: number): string {
  if (index === 0) return 'signing';
  if (index === length - 1) return 'trust anchor';
  return `intermediate #${index}`;
}

function fail(code: Extract<ChainValidation, { ok: false }>['code'], detail: string): Extract<ChainValidation, { ok: false }> {
  return { ok: false, code, detail };
}
