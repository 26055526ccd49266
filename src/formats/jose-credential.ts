/**
 * Credentials and presentations secured as a JWS (VC-DM 1.1 JWT encoding,
 * VC-JOSE-COSE): the parsed credential before it is placed in a submission,
 * and the DID-key proof checks both JWT formats share.
 */
import type { CheckCode } from '../core/errors.js';
import type { CheckFailure } from '../core/model/check.js';
import type { ParsedCredential, ParsedJws, ParsedPresentation } from '../core/model/presentation.js';
import { verifyDidSignature } from '../did/verify-did-signature.js';
import { credentialFailed, presentationFailed, type ProofEnvironment } from './format-handler.js';

/** A credential parsed from a JWS, not yet placed in a submission (no `ref`); its proof is the JWS. */
export type JoseCredential = Omit<ParsedCredential, 'ref' | 'proof'> & { jws: ParsedJws };

interface SignatureCodes {
  invalid: CheckCode;
  algForbidden: CheckCode;
}

const PRESENTATION_CODES: SignatureCodes = { invalid: 'presentation.signature_invalid', algForbidden: 'presentation.alg_forbidden' };
const CREDENTIAL_CODES: SignatureCodes = { invalid: 'credential.signature_invalid', algForbidden: 'credential.alg_forbidden' };

/** Verifies a JWS by a DID's key of `relationship`, found in the document the "resolve DIDs" check fetched. */
async function verifyByDid(
  jws: ParsedJws,
  did: string,
  env: ProofEnvironment,
  relationship: 'authentication' | 'assertionMethod',
  codes: SignatureCodes,
  fail: (code: CheckCode, detail: string) => CheckFailure,
): Promise<CheckFailure[]> {
  const document = env.didDocument(did);
  if (document === null) return []; // did.* already reported where the DID is named; the proof stays unverified
  if (document === undefined) return [fail(codes.invalid, `${did.slice(0, 200)} was not resolved`)];
  const result = await verifyDidSignature(jws, did, document, relationship);
  if (result.ok) return [];
  const code = result.reason === 'key_not_found' ? 'did.key_not_found' : result.reason === 'alg_forbidden' ? codes.algForbidden : codes.invalid;
  return [fail(code, result.detail)];
}

/** The presentation JWS, by the holder DID's `authentication` key. */
export function verifyPresentationJws(presentation: ParsedPresentation, env: ProofEnvironment): Promise<CheckFailure[]> {
  const fail = (code: CheckCode, detail: string): CheckFailure => presentationFailed(presentation, code, detail);
  if (presentation.holderKey?.kind !== 'did')
    return Promise.resolve([fail('presentation.malformed', 'the presentation names no holder DID, so its signature cannot be checked')]);
  return verifyByDid(presentation.proof as ParsedJws, presentation.holderKey.did, env, 'authentication', PRESENTATION_CODES, fail);
}

/** A credential JWS, by the issuer DID's `assertionMethod` key. */
export function verifyCredentialJws(credential: ParsedCredential, env: ProofEnvironment): Promise<CheckFailure[]> {
  const fail = (code: CheckCode, detail: string): CheckFailure => credentialFailed(credential, code, detail);
  if (credential.issuerKey.kind !== 'did')
    return Promise.resolve([fail('credential.malformed', 'the issuer is not a DID, so its signature cannot be checked')]);
  return verifyByDid(credential.proof as ParsedJws, credential.issuerKey.did, env, 'assertionMethod', CREDENTIAL_CODES, fail);
}
