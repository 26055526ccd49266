import type { ParsedJws } from '../core/model/presentation.js';
import type { DidResolver } from '../did/did-resolver.js';
import type { RequestBudget } from '../net/request-budget.js';
import { verifyDidSignature } from '../did/verify-did-signature.js';
import { invalidList, shown, unavailableList, type StatusListProblem } from './status-outcome.js';

/**
 * Verifies a status list's JWS with the `assertionMethod` keys of the DID
 * that claims to have signed it — the same DID resolution, key selection
 * (`kid` must name a method of that DID) and algorithm allow-lists as a
 * credential's own signature (src/verification/checks/signatures.ts). Which
 * signers the credential accepts for its list is decided later, per
 * credential and policy.
 *
 * A DID that cannot be resolved makes the list `unavailable` (like an
 * unreachable host); a signature that does not verify makes it `invalid`.
 * Returns null when the signature holds.
 */
export async function verifyStatusListSignature(
  jws: ParsedJws,
  signer: string,
  dids: DidResolver,
  typ?: string[],
  /** The request's budget: resolving the signer's DID over the network is one of its fetches. */
  budget?: RequestBudget,
): Promise<StatusListProblem | null> {
  const resolution = await dids.resolve(signer, budget ? { budget } : {});
  if (!resolution.ok) {
    return unavailableList('signer_unresolvable', `the status list's signer ${shown(signer)} cannot be resolved: ${resolution.detail}`);
  }
  const verified = await verifyDidSignature(jws, signer, resolution.document, 'assertionMethod', typ !== undefined ? { typ } : {});
  if (verified.ok) return null;
  if (verified.reason === 'key_not_found') return invalidList('signature_invalid', `the status list's signing key: ${verified.detail}`);
  return invalidList('signature_invalid', `the status list's signature does not verify with ${shown(signer)}'s assertionMethod key`);
}
