/**
 * DCQL `meta` (OpenID4VP 1.0 §6.1 and Appendix B): the credential's type.
 * - `type_values` (W3C formats, Appendix B.1): the credential's `type` must
 *   contain every type of at least one of the inner arrays.
 * - `vct_values` (SD-JWT VC, Appendix B.3.5): the credential's `vct` (types[0]
 *   of a ParsedCredential) must equal one of them.
 * Each constraint present is applied whatever the format: the policy rules
 * already refuse the wrong one for a format, and if one slipped through,
 * applying it fails closed instead of silently constraining nothing.
 */
import { quote } from '../quote.js';
import type { CandidateRule, RuleFailure } from './candidate-rule.js';

export const credentialTypeRule: CandidateRule = (query, credential) => {
  const failures: RuleFailure[] = [];
  const typeValues = query.meta?.type_values;
  if (typeValues && !typeValues.some((required) => required.every((type) => credential.types.includes(type)))) {
    const wanted = typeValues.length === 1 ? `every type of ${quote(typeValues[0])}` : `every type of one of ${quote(typeValues)}`;
    failures.push({ code: 'credential.type_mismatch', detail: `type ${quote(credential.types)} does not include ${wanted}` });
  }
  const vctValues = query.meta?.vct_values;
  const vct = credential.types[0];
  if (vctValues && (vct === undefined || !vctValues.includes(vct))) {
    failures.push({ code: 'credential.type_mismatch', detail: `vct ${vct === undefined ? '(none)' : quote(vct)} is not one of ${quote(vctValues)}` });
  }
  return failures;
};
