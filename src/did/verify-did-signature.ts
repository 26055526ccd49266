import type { ParsedJws } from '../core/model/presentation.js';
import { verifyCompactJws } from '../crypto/jws-verifier.js';
import type { DidDocument } from './did-document.js';
import { selectVerificationKeys } from './select-verification-keys.js';

export type DidSignatureVerification = { ok: true } | { ok: false; reason: 'key_not_found' | 'alg_forbidden' | 'signature_invalid'; detail: string };

/**
 * Verifies a JWS signed by `did` with a key of the required verification
 * relationship: the key is chosen by `kid`, which must be a DID URL of the
 * signer's own DID; without `kid`, each key of the relationship is tried.
 * Used for presentations, credentials and status lists alike, so all three
 * get the same key selection and algorithm allow-lists.
 */
export async function verifyDidSignature(
  jws: ParsedJws,
  did: string,
  document: DidDocument,
  relationship: 'authentication' | 'assertionMethod',
  options: { typ?: string[] } = {},
): Promise<DidSignatureVerification> {
  const selected = selectVerificationKeys(document, { did, relationship, ...(jws.kid !== undefined ? { kid: jws.kid } : {}) });
  if (!selected.ok) return { ok: false, reason: 'key_not_found', detail: selected.detail };
  let algForbidden: string | undefined;
  for (const key of selected.keys) {
    const result = await verifyCompactJws(jws.compact, key, options.typ !== undefined ? { typ: options.typ } : {});
    if (result.ok) return { ok: true };
    if (result.reason === 'alg_forbidden') algForbidden = result.detail;
  }
  if (algForbidden !== undefined) return { ok: false, reason: 'alg_forbidden', detail: algForbidden };
  return { ok: false, reason: 'signature_invalid', detail: `the signature does not verify with ${did.slice(0, 200)}'s ${relationship} key` };
}
