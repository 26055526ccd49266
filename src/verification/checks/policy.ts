import { evaluatePolicy } from '../../policy/evaluation/evaluate-policy.js';
import { unblemishedCredentials, type VerificationCheck } from '../verification-context.js';

/**
 * The relying party's policy (DCQL query, trusted issuers, age), evaluated
 * over the credentials that passed every earlier check: a forged, expired or
 * unbound credential can never satisfy it. Credentials that failed earlier
 * are still held to the rules of the queries they could answer, for the
 * report only: every reason a rejection gives is true.
 */
export const policyCheck: VerificationCheck = {
  name: 'policy',
  run(context, { clockSkewSeconds, formats }) {
    if (context.presentations.length === 0) return [];
    const unblemished = new Set(unblemishedCredentials(context));
    const credentials = [...unblemished].map((state) => state.credential);
    const failedEarlier = context.credentials.filter((state) => !unblemished.has(state)).map((state) => state.credential);
    const evaluation = evaluatePolicy(context.policy, credentials, {
      now: context.now,
      clockSkewSeconds,
      credentialFormat: (id) => formats.credentialFormat(id),
      failedEarlier,
    });
    context.evaluation = evaluation;
    return evaluation.failures;
  },
};
