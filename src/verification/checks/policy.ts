import { evaluatePolicy } from '../../policy/evaluation/evaluate-policy.js';
import { unblemishedCredentials, type VerificationCheck } from '../verification-context.js';

/**
 * The relying party's policy (DCQL query, trusted issuers, age), evaluated
 * over the credentials that passed every earlier check: a forged, expired or
 * unbound credential can never satisfy it.
 */
export const policyCheck: VerificationCheck = {
  name: 'policy',
  run(context, { clockSkewSeconds }) {
    if (!context.presentation) return [];
    const evaluation = evaluatePolicy(context.policy.policy, unblemishedCredentials(context), { now: context.now, clockSkewSeconds });
    context.evaluation = evaluation;
    return evaluation.failures;
  },
};
