import type { CheckCode } from '../errors.js';

/** One failed verification check (SPEC §1 `errors` entry). */
export interface CheckFailure {
  code: CheckCode;
  /** `presentation`, `credentials[1]`, `credentials[0].credentialStatus[0]`, … */
  path: string;
  detail: string;
}
