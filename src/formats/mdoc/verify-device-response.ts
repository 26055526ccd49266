import { createHash, timingSafeEqual } from 'node:crypto';
import type { CheckFailure } from '../../core/model/check.js';
import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import type { ChainValidator } from './chain-validator.js';
import { DEFAULT_CBOR_LIMITS, type CborLimits } from './cbor-scan.js';
import { cborEncode, tag24Bytes } from './cbor.js';
import { renderElementValue } from './claims.js';
import { verifyCoseSign1, x5chain } from './cose.js';
import { parseDeviceResponse, type MdocDocument } from './device-response.js';
import { parseMso, type MobileSecurityObject } from './mso.js';

/** What verifying a DeviceResponse needs, all supplied by the caller (no clock, no config read here). */
export interface MdocVerificationInput {
  /** Milliseconds since the epoch. */
  now: number;
  clockSkewSeconds: number;
  limits?: CborLimits;
  /** Certificate-path validation bound to the trust anchors (KPARTY_TRUST_ANCHORS). */
  validateChain: ChainValidator;
  /** DCQL `trusted_authorities` `aki` values of the query, if any. */
  authorityKeyIds?: readonly string[];
  /** The encoded SessionTranscript the device must have signed (session-transcript.ts for OpenID4VP 1.0). */
  sessionTranscript: Uint8Array;
  /** DCQL `meta.doctype_value` of the query this DeviceResponse answers, if known. */
  expectedDocType?: string;
}

/** One document whose issuer and device proofs held. */
export interface VerifiedMdoc {
  path: string;
  docType: string;
  /** `x509_hash:<base64url SHA-256 of the document-signer certificate DER>`. */
  issuer: string;
  /** base64url subject key identifiers of the validated path (DCQL `trusted_authorities` `aki`). */
  keyIds: string[];
  /** RFC 9278 thumbprint URI of the device key. */
  holder: string;
  /** namespace → element → value (DCQL paths `[namespace, element]`), rendered as JSON. */
  claims: Record<string, Record<string, unknown>>;
  /** Seconds since the epoch (`validityInfo`). */
  signedAt: number;
  validFrom: number;
  validUntil: number;
  /** The MSO `status` (Token Status List reference), as found. */
  status: unknown[];
}

export interface MdocVerification {
  /** Every failed check; empty when all documents verified. */
  failures: CheckFailure[];
  documents: VerifiedMdoc[];
}

const THUMBPRINT_URI = 'urn:ietf:params:oauth:jwk-thumbprint:sha-256:';

/**
 * Verifies a DeviceResponse (ISO/IEC 18013-5 §9.3, OpenID4VP 1.0 Appendix B.2):
 * response status 0; per document: docType against the query; IssuerAuth
 * (x5chain path to an anchor, document-signer purpose, COSE signature over
 * the MSO); the MSO (digest algorithm, docType, validity with skew, every
 * presented element's digest over its exact bytes); DeviceAuth (a
 * deviceSignature over DeviceAuthentication with this SessionTranscript,
 * by the MSO's device key; deviceMac is refused). All checks of a document
 * run in this order and it stops at the first failure that makes the later
 * ones meaningless.
 */
export function verifyDeviceResponse(input: string | Uint8Array, env: MdocVerificationInput): MdocVerification {
  const limits = env.limits ?? DEFAULT_CBOR_LIMITS;
  const parsed = parseDeviceResponse(input, limits);
  if (!parsed.ok) return { failures: parsed.failures, documents: [] };
  const { response } = parsed;
  const failures = [...parsed.failures];
  if (response.status !== 0) {
    failures.push({ code: 'presentation.malformed', path: 'presentation', detail: `the DeviceResponse status is ${response.status}, not 0 (OK)` });
    return { failures, documents: [] };
  }
  if (response.documents.length === 0 && failures.length === 0) {
    failures.push({
      code: 'presentation.malformed',
      path: 'presentation',
      detail: `the DeviceResponse carries no document${response.documentErrors > 0 ? ' (the wallet reported document errors)' : ''}`,
    });
  }
  const documents: VerifiedMdoc[] = [];
  for (const document of response.documents) {
    const verified = verifyDocument(document, env, limits);
    if ('failure' in verified) failures.push(verified.failure);
    else documents.push(verified.document);
  }
  return { failures, documents };
}

type DocumentOutcome = { document: VerifiedMdoc } | { failure: CheckFailure };

type Step<T = undefined> = { ok: true; value: T } | { ok: false; failure: CheckFailure };
const failed = (path: string, code: CheckFailure['code'], detail: string): { ok: false; failure: CheckFailure } => ({
  ok: false,
  failure: { code, path, detail },
});

/**
 * IssuerAuth: the `x5chain` path to an anchor (document-signer purpose), then
 * the COSE signature over the MSO bytes with the leaf's key.
 */
export function checkIssuerAuth(
  document: MdocDocument,
  validateChain: ChainValidator,
  options: { now: number; clockSkewSeconds: number; authorityKeyIds?: readonly string[] },
): Step<{ issuer: string; keyIds: string[] }> {
  const chain = x5chain(document.issuerAuth);
  if (!chain.ok) return failed(document.path, 'credential.malformed', `issuerAuth: ${chain.detail}`);
  const trust = validateChain(chain.value, {
    now: options.now,
    clockSkewSeconds: options.clockSkewSeconds,
    purpose: 'mdoc-document-signer',
    ...(options.authorityKeyIds !== undefined ? { authorityKeyIds: options.authorityKeyIds } : {}),
  });
  if (!trust.ok) return failed(document.path, trust.code, `the document signer certificate: ${trust.detail}`);
  const signature = verifyCoseSign1(document.issuerAuth, trust.publicKey);
  if (!signature.ok) {
    return failed(
      document.path,
      signature.reason === 'invalid' ? 'credential.signature_invalid' : 'credential.alg_forbidden',
      `issuerAuth: ${signature.detail}`,
    );
  }
  return { ok: true, value: { issuer: trust.issuerId, keyIds: trust.keyIds } };
}

/** What the signed MSO says about the document: its docType, and a digest for every presented element. */
export function checkMsoCoversDocument(document: MdocDocument, mso: MobileSecurityObject): Step {
  if (mso.docType !== document.docType) {
    return failed(
      document.path,
      'credential.signature_invalid',
      `the issuer signed docType "${mso.docType.slice(0, 100)}", the document says "${document.docType.slice(0, 100)}"`,
    );
  }
  const digestFailure = checkDigests(document, mso);
  return digestFailure ? { ok: false, failure: digestFailure } : { ok: true, value: undefined };
}

/** `validityInfo` against the clock, with skew. */
export function checkMsoValidity(document: MdocDocument, mso: MobileSecurityObject, now: number, clockSkewSeconds: number): Step {
  const skew = clockSkewSeconds * 1000;
  if (now + skew < mso.validFrom) return failed(document.path, 'credential.not_yet_valid', `the MSO is valid from ${new Date(mso.validFrom).toISOString()}`);
  if (now - skew > mso.validUntil) return failed(document.path, 'credential.expired', `the MSO expired at ${new Date(mso.validUntil).toISOString()}`);
  return { ok: true, value: undefined };
}

/** DeviceAuth: a deviceSignature over DeviceAuthentication with this SessionTranscript, by the MSO device key; deviceMac refused. */
export function checkDeviceAuth(document: MdocDocument, mso: MobileSecurityObject, sessionTranscript: Uint8Array, path = document.path): Step {
  if (document.deviceAuth.kind === 'mac') {
    return failed(
      path,
      'presentation.signature_invalid',
      'deviceMac (MAC device authentication) is not supported over OpenID4VP: the wallet must use deviceSignature',
    );
  }
  const deviceAuthentication = deviceAuthenticationBytes(sessionTranscript, document.docType, document.deviceNameSpacesBytes);
  const signature = verifyCoseSign1(document.deviceAuth.sign1, mso.deviceKey.key, deviceAuthentication);
  if (signature.ok) return { ok: true, value: undefined };
  return signature.reason === 'invalid'
    ? failed(
        path,
        'presentation.signature_invalid',
        "deviceSignature does not verify over this request's SessionTranscript (client_id, nonce, response_uri) with the MSO device key",
      )
    : failed(path, 'presentation.alg_forbidden', `deviceSignature: ${signature.detail}`);
}

/** The RFC 9278 thumbprint URI of the MSO device key: the holder. */
export function deviceKeyHolder(mso: MobileSecurityObject): string {
  return THUMBPRINT_URI + jwkThumbprint(mso.deviceKey.jwk);
}

/** The issuer-signed elements by namespace, rendered as JSON (DCQL paths `[namespace, element]`). */
export function documentClaims(document: MdocDocument): Record<string, Record<string, unknown>> {
  const claims: Record<string, Record<string, unknown>> = {};
  for (const element of document.elements) {
    const namespace = (claims[element.namespace] ??= {});
    namespace[element.identifier] = renderElementValue(element.value);
  }
  return claims;
}

function verifyDocument(document: MdocDocument, env: MdocVerificationInput, limits: CborLimits): DocumentOutcome {
  const { path } = document;
  if (env.expectedDocType !== undefined && document.docType !== env.expectedDocType) {
    return {
      failure: {
        code: 'credential.type_mismatch',
        path,
        detail: `the document's docType "${document.docType.slice(0, 100)}" is not the requested "${env.expectedDocType}"`,
      },
    };
  }
  const issuerAuth = checkIssuerAuth(document, env.validateChain, env);
  if (!issuerAuth.ok) return issuerAuth;
  const msoRead = parseMso(document.issuerAuth.payload as Uint8Array, limits);
  if (!msoRead.ok) return { failure: { code: 'credential.malformed', path, detail: `the MSO: ${msoRead.detail}` } };
  const mso = msoRead.value;
  for (const step of [
    () => checkMsoCoversDocument(document, mso),
    () => checkMsoValidity(document, mso, env.now, env.clockSkewSeconds),
    () => checkDeviceAuth(document, mso, env.sessionTranscript),
  ]) {
    const outcome = step();
    if (!outcome.ok) return outcome;
  }
  return {
    document: {
      path,
      docType: document.docType,
      issuer: issuerAuth.value.issuer,
      keyIds: issuerAuth.value.keyIds,
      holder: deviceKeyHolder(mso),
      claims: documentClaims(document),
      signedAt: Math.floor(mso.signed / 1000),
      validFrom: Math.floor(mso.validFrom / 1000),
      validUntil: Math.floor(mso.validUntil / 1000),
      status: mso.status !== undefined ? [mso.status] : [],
    },
  };
}

/** Every presented IssuerSignedItem's digest over its exact tagged bytes must be the MSO's value (ISO/IEC 18013-5 §9.3.1 step 5). */
function checkDigests(document: MdocDocument, mso: MobileSecurityObject): CheckFailure | undefined {
  for (const element of document.elements) {
    const at = `${document.path}${JSON.stringify([element.namespace, element.identifier])}`;
    const expected = mso.valueDigests.get(element.namespace)?.get(element.digestId);
    if (!expected)
      return {
        code: 'credential.signature_invalid',
        path: at,
        detail: `the MSO has no digest for digestID ${element.digestId} of "${element.namespace}": the issuer did not sign this element`,
      };
    const actual = createHash(mso.digestAlgorithm).update(tag24Bytes(element.itemBytes)).digest();
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      return { code: 'credential.signature_invalid', path: at, detail: 'the element does not match the digest the issuer signed (tampered value)' };
    }
  }
  return undefined;
}

/**
 * DeviceAuthenticationBytes = #6.24(bstr .cbor ["DeviceAuthentication", SessionTranscript, DocType, DeviceNameSpacesBytes])
 * (ISO/IEC 18013-5 §9.1.3.4), with the transcript and the device namespaces spliced in as their exact bytes.
 */
export function deviceAuthenticationBytes(sessionTranscript: Uint8Array, docType: string, deviceNameSpacesBytes: Uint8Array): Uint8Array {
  const label = cborEncode('DeviceAuthentication');
  const type = cborEncode(docType);
  const namespaces = tag24Bytes(deviceNameSpacesBytes);
  const body = new Uint8Array(1 + label.length + sessionTranscript.length + type.length + namespaces.length);
  let offset = 0;
  for (const part of [Uint8Array.of(0x84), label, sessionTranscript, type, namespaces]) {
    body.set(part, offset);
    offset += part.length;
  }
  return tag24Bytes(body);
}
