import type { CheckCode } from '../errors.js';
import type { CredentialRef } from './presentation.js';

/** One failed verification check: an entry of a rejection's `errors` (docs/api.md "Verifying a presentation"). */
export interface CheckFailure {
  code: CheckCode;
  /** `presentation`, `credentials[1]`, `credentials[0].credentialStatus[0]`, `vpToken.employee[0]`, … */
  path: string;
  detail: string;
  /** The credential the failure is about, when it is about one: only credentials no failure names may satisfy the policy. */
  credential?: CredentialRef;
  /** The presentation (index in the submission) the failure is about, when it is about one. */
  presentation?: number;
}
