/**
 * Whether one credential answers one credential query: every rule, in this
 * order, with every failure reported (docs/api.md "Verifying a presentation": every failed check, not only
 * the first). Only credentials of the query's `format` are candidates; the
 * caller filters on format.
 */
import type { CheckFailure } from '../../core/model/check.js';
import type { CredentialQuery } from '../../core/model/policy.js';
import type { ParsedCredential } from '../../core/model/presentation.js';
import { quote } from './quote.js';
import type { CandidateRule, EvaluationClock } from './rules/candidate-rule.js';
import { claimsRule } from './rules/claims.js';
import { credentialTypeRule } from './rules/credential-type.js';
import { maxAgeRule } from './rules/max-age.js';
import { trustedIssuerRule } from './rules/trusted-issuer.js';

export type { EvaluationClock } from './rules/candidate-rule.js';

/** The rules of a credential query, in the order their failures are listed. */
const CANDIDATE_RULES: readonly CandidateRule[] = [credentialTypeRule, trustedIssuerRule, claimsRule, maxAgeRule];

/**
 * Every requirement of `query` that `credential` fails, each at the
 * credential's path and naming the query; `[]` when it matches.
 */
export function checkCandidate(query: CredentialQuery, credential: ParsedCredential, clock: EvaluationClock): CheckFailure[] {
  return CANDIDATE_RULES.flatMap((rule) => rule(query, credential, clock)).map((failure) => ({
    code: failure.code,
    path: credential.path,
    detail: `credential query ${quote(query.id)}: ${failure.detail}`,
  }));
}
