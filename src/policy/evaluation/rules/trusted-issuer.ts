/**
 * kparty's trust rule (docs/api.md "Presentation policies", `trustedIssuers`): the credential's issuer is
 * accepted by the query. The list is not repeated in the failure: it is the
 * relying party's configuration, not something the wallet needs.
 */
import { quote } from '../quote.js';
import { trustFailure } from '../trusted-issuers.js';
import type { CandidateRule } from './candidate-rule.js';

export const trustedIssuerRule: CandidateRule = (query, credential) => {
  const failure = trustFailure(query, credential);
  return failure === undefined ? [] : [{ code: 'credential.issuer_untrusted', detail: `issuer ${quote(credential.issuer)} ${failure}` }];
};
