import { evaluatePolicy } from '../../policy/evaluation/evaluate-policy.js';
import { unblemishedCredentials, type VerificationCheck } from '../verification-context.js';

/**
 * The relying party's policy (DCQL query, trusted issuers, age), evaluated
 * over the credentials that passed every earlier check: a forged, expired or
 * unbound credential can never satisfy it.
 */
export const policyCheck: VerificationCheck = {
  name: 'policy',
  run(context, { clockSkewSeconds, formats }) {
    if (context.presentations.length === 0) return [];
    const credentials = unblemishedCredentials(context).map((state) => state.credential);
    const evaluation = evaluatePolicy(context.policy, credentials, {
      now: context.now,
      clockSkewSeconds,
      credentialFormat: (id) => formats.credentialFormat(id),
    });
    context.evaluation = evaluation;
    return evaluation.failures;
  },
};
