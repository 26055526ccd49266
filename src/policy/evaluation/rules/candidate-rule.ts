import type { CheckCode } from '../../../core/errors.js';
import type { CredentialQuery } from '../../../core/model/policy.js';
import type { ParsedCredential } from '../../../core/model/presentation.js';
import type { CredentialFormat } from '../../../formats/format-handler.js';

/** When the evaluation runs, and how much clock difference it tolerates. */
export interface EvaluationClock {
  /** Milliseconds since the epoch. */
  now: number;
  /** KPARTY_CLOCK_SKEW: seconds tolerated on time comparisons. */
  clockSkewSeconds: number;
  /** The credential format with a policy `format` id (the verifier's format registry); default: the registered formats. */
  credentialFormat?: (id: string) => CredentialFormat | undefined;
}

/** One unmet requirement of a credential query, before it is placed at the credential's path. */
export interface RuleFailure {
  code: CheckCode;
  detail: string;
}

/**
 * One requirement a credential query puts on a candidate credential. Returns
 * every failure (a rule with several parts, like `claims`, reports each).
 */
export type CandidateRule = (query: CredentialQuery, credential: ParsedCredential, clock: EvaluationClock) => RuleFailure[];
