import type { PresentationPolicy, StoredPolicy } from '../core/model/policy.js';
import { singlePresentation } from './submission.js';
import type { VerificationDependencies } from './verification-context.js';
import type { VerificationResult } from './verification-result.js';
import { verifySubmission } from './verify-submission.js';

/** Verifies one presentation answering a kparty challenge: a submission of one (see verify-submission.ts). */
export function verifyPresentation(input: unknown, policy: PresentationPolicy | StoredPolicy, deps: VerificationDependencies): Promise<VerificationResult> {
  return verifySubmission(policy, singlePresentation(input), { kind: 'challenge' }, deps);
}
