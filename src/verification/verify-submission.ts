import type { PresentationPolicy, StoredPolicy } from '../core/model/policy.js';
import { audienceCheck } from './checks/audience.js';
import { challengeCheck } from './checks/challenge.js';
import { holderBindingCheck } from './checks/holder-binding.js';
import { parseCheck } from './checks/parse.js';
import { policyCheck } from './checks/policy.js';
import { resolveDidsCheck } from './checks/resolve-dids.js';
import { sessionSubjectCheck } from './checks/session-subject.js';
import { signaturesCheck } from './checks/signatures.js';
import { statusCheck } from './checks/status.js';
import { validityPeriodCheck } from './checks/validity-period.js';
import type { Submission, SubmissionBinding } from './submission.js';
import type { VerificationCheck, VerificationContext, VerificationDependencies } from './verification-context.js';
import { resultOf, type VerificationResult } from './verification-result.js';

/**
 * The ordered checks table. Every check runs (collecting ALL failures,
 * docs/api.md "Verifying a presentation") except that nothing runs after a
 * submission none of whose presentations can be parsed.
 */
export const VERIFICATION_CHECKS: readonly VerificationCheck[] = [
  parseCheck,
  challengeCheck,
  audienceCheck,
  resolveDidsCheck,
  signaturesCheck,
  validityPeriodCheck,
  statusCheck,
  holderBindingCheck,
  policyCheck,
  sessionSubjectCheck,
];

function rulesOf(policy: PresentationPolicy | StoredPolicy): PresentationPolicy {
  return 'policy' in policy && typeof policy.policy === 'object' ? policy.policy : (policy as PresentationPolicy);
}

/**
 * Verifies a submission (N presentations answering one challenge) against a
 * policy: the challenge is consumed once, each presentation's holder proof,
 * each credential's issuer proof, validity, status and holder binding are
 * checked, the policy is evaluated and the session subject decided. Returns
 * an immutable result; never throws for anything the input can cause.
 */
export async function verifySubmission(
  policy: PresentationPolicy | StoredPolicy,
  submission: Submission,
  binding: SubmissionBinding,
  deps: VerificationDependencies,
  checks: readonly VerificationCheck[] = VERIFICATION_CHECKS,
): Promise<VerificationResult> {
  const context: VerificationContext = {
    submission,
    binding,
    policy: rulesOf(policy),
    now: deps.clock.now(),
    failures: [],
    presentations: [],
    credentials: [],
    unparsed: 0,
    documents: new Map(),
    ...('owner' in policy ? { policyOwner: policy.owner } : {}),
    ...(deps.budgets ? { budget: deps.budgets() } : {}),
  };
  try {
    for (const check of checks) {
      context.failures.push(...(await check.run(context, deps)));
      if (context.presentations.length === 0) break;
    }
  } finally {
    // The request's share of the process inflation budget is given back once its lists are no longer needed.
    context.budget?.release();
  }
  return resultOf(context, deps.maxErrors);
}
