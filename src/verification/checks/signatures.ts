import type { CheckCode } from '../../core/errors.js';
import type { CheckFailure } from '../../core/model/check.js';
import type { ParsedJws } from '../../core/model/presentation.js';
import type { DidDocument } from '../../did/did-document.js';
import { verifyDidSignature } from '../../did/verify-did-signature.js';
import type { VerificationCheck } from '../verification-context.js';

interface SignatureCodes {
  invalid: CheckCode;
  algForbidden: CheckCode;
}

const PRESENTATION_CODES: SignatureCodes = { invalid: 'presentation.signature_invalid', algForbidden: 'presentation.alg_forbidden' };
const CREDENTIAL_CODES: SignatureCodes = { invalid: 'credential.signature_invalid', algForbidden: 'credential.alg_forbidden' };

/** Verifies one JWS and maps the outcome to the SPEC code for a presentation or a credential. */
async function verifySignature(
  jws: ParsedJws,
  did: string,
  document: DidDocument,
  relationship: 'authentication' | 'assertionMethod',
  path: string,
  codes: SignatureCodes,
): Promise<CheckFailure | null> {
  const result = await verifyDidSignature(jws, did, document, relationship);
  if (result.ok) return null;
  const code = result.reason === 'key_not_found' ? 'did.key_not_found' : result.reason === 'alg_forbidden' ? codes.algForbidden : codes.invalid;
  return { code, path, detail: result.detail };
}

/**
 * The presentation's signature with the holder's `authentication` key, and
 * each credential's with its issuer's `assertionMethod` key. A signer whose DID
 * did not resolve was reported by the previous check.
 */
export const signaturesCheck: VerificationCheck = {
  name: 'signatures',
  async run(context) {
    const presentation = context.presentation;
    if (!presentation) return [];
    const jobs: Array<Promise<CheckFailure | null>> = [];
    const holderDocument = presentation.holder !== undefined ? context.documents.get(presentation.holder) : undefined;
    if (presentation.holder !== undefined && holderDocument) {
      jobs.push(
        verifySignature(presentation.jws, presentation.holder, holderDocument, 'authentication', 'presentation', PRESENTATION_CODES).then((failure) => {
          context.holderSignatureValid = failure === null;
          return failure;
        }),
      );
    }
    for (const credential of presentation.credentials) {
      const document = context.documents.get(credential.issuer);
      if (!document) continue;
      jobs.push(
        verifySignature(credential.jws, credential.issuer, document, 'assertionMethod', credential.path, CREDENTIAL_CODES).then((failure) => {
          if (failure === null) context.signedCredentials.add(credential);
          return failure;
        }),
      );
    }
    return (await Promise.all(jobs)).filter((f): f is CheckFailure => f !== null);
  },
};
