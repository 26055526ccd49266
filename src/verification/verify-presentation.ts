import type { CheckFailure } from '../core/model/check.js';
import type { StoredPolicy } from '../core/model/policy.js';
import { audienceCheck } from './checks/audience.js';
import { challengeCheck } from './checks/challenge.js';
import { holderBindingCheck } from './checks/holder-binding.js';
import { parseCheck } from './checks/parse.js';
import { policyCheck } from './checks/policy.js';
import { resolveDidsCheck } from './checks/resolve-dids.js';
import { signaturesCheck } from './checks/signatures.js';
import { statusCheck } from './checks/status.js';
import { validityPeriodCheck } from './checks/validity-period.js';
import type { VerificationCheck, VerificationContext, VerificationDependencies } from './verification-context.js';

/**
 * The ordered checks table. Every check runs (collecting ALL failures, SPEC
 * §1) except that nothing runs after a presentation that cannot be parsed.
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
];

export interface VerificationReport {
  verified: boolean;
  failures: CheckFailure[];
  context: VerificationContext;
}

/** Verifies `input` against `policy`; never throws for anything the input can cause. */
export async function verifyPresentation(
  input: unknown,
  policy: StoredPolicy,
  deps: VerificationDependencies,
  checks: readonly VerificationCheck[] = VERIFICATION_CHECKS,
): Promise<VerificationReport> {
  const context: VerificationContext = {
    input,
    policy,
    now: deps.clock.now(),
    failures: [],
    documents: new Map(),
    holderSignatureValid: false,
    signedCredentials: new Set(),
    statuses: new Map(),
    statusMessages: new Map(),
    ...(deps.budgets ? { budget: deps.budgets() } : {}),
  };
  try {
    for (const check of checks) {
      context.failures.push(...(await check.run(context, deps)));
      if (!context.presentation) break;
    }
  } finally {
    // The request's share of the process inflation budget is given back once its lists are no longer needed.
    context.budget?.release();
  }
  const verified =
    context.failures.length === 0 && context.holderSignatureValid && context.evaluation?.satisfied === true;
  if (!verified && context.failures.length === 0) {
    // Fail closed, and never answer a rejection that lists no reason.
    context.failures.push({ code: 'policy.unsatisfied', path: 'presentation', detail: 'the presentation was not shown to satisfy the policy' });
  }
  return { verified, failures: context.failures, context };
}
