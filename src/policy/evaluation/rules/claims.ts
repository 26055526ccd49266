/**
 * DCQL `claims` (OpenID4VP 1.0 §6.3, §6.4.1): every claims query must select a
 * claim, and when it lists `values`, one selected value must match one of
 * them in type and value ("match exactly": `"1"` is not `1`).
 *
 * A JSON `null` counts as absent: it asserts nothing, and a relying party
 * asking for a claim expects a value. (§7.1.1 would select the null; the
 * dcql library treats it as undefined, as we do.)
 *
 * Details name the path, never the credential's value: values are personal
 * data and failures end up in logs.
 */
import type { ClaimQuery } from '../../../core/model/policy.js';
import { selectClaims } from '../claims-path.js';
import { quote } from '../quote.js';
import type { CandidateRule, RuleFailure } from './candidate-rule.js';

/** The non-null values `claim.path` selects in `document`. */
function presentValues(document: unknown, claim: ClaimQuery): unknown[] {
  return selectClaims(document, claim.path).filter((value) => value !== null);
}

/** Whether `value` equals one of `accepted` in type and value. */
export function isAcceptedValue(value: unknown, accepted: ClaimQuery['values']): boolean {
  return accepted === undefined || accepted.some((candidate) => candidate === value);
}

function checkClaim(document: unknown, claim: ClaimQuery): RuleFailure[] {
  const values = presentValues(document, claim);
  if (values.length === 0) return [{ code: 'credential.claim_missing', detail: `claim ${quote(claim.path)} is missing` }];
  if (!values.some((value) => isAcceptedValue(value, claim.values))) {
    return [{ code: 'credential.claim_value', detail: `claim ${quote(claim.path)} has none of the accepted values ${quote(claim.values)}` }];
  }
  return [];
}

export const claimsRule: CandidateRule = (query, credential) => (query.claims ?? []).flatMap((claim) => checkClaim(credential.document, claim));
