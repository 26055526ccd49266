/**
 * Evaluates a presentation policy (docs/api.md "Presentation policies") against the credentials of a
 * presentation whose signatures, validity and status were verified before:
 * DCQL matching (OpenID4VP 1.0 §6, claims paths §7) plus kparty's trust
 * rules, reporting every failure with its check code (docs/errors.md).
 *
 * 1. Every credential of a query's `format` is a candidate and is checked
 *    against every rule of the query (candidate-check.ts).
 * 2. Credentials are assigned to queries, each credential answering at most
 *    one query, so that the credential sets are met (credential-sets.ts).
 *    Credentials that answer no query are ignored: a wallet may send more.
 * 3. Not satisfied: the failures explaining why (unsatisfied-failures.ts),
 *    and nothing is disclosed. Satisfied: no failures, the session claims
 *    (session-claims.ts) and, per answering credential, the claims the
 *    relying party may see (disclosure.ts).
 */
import type { CheckFailure } from '../../core/model/check.js';
import type { CredentialQuery, PresentationPolicy } from '../../core/model/policy.js';
import type { ParsedCredential } from '../../core/model/presentation.js';
import { checkCandidate, type EvaluationClock } from './candidate-check.js';
import { planAssignment, requirementSets } from './credential-sets.js';
import { discloseClaims } from './disclosure.js';
import { setOwn } from './json-data.js';
import { mapSessionClaims, type QueryMatches } from './session-claims.js';
import { type CandidateOutcome, unsatisfiedFailures } from './unsatisfied-failures.js';

/** `now` in milliseconds; `clockSkewSeconds` is KPARTY_CLOCK_SKEW. */
export interface PolicyEvaluationOptions extends EvaluationClock {
  /**
   * Credentials that failed an earlier check: they never satisfy a query,
   * but when a query they could answer goes unanswered, their rule failures
   * are reported too (so an expired credential with a wrong claim value
   * answers both reasons), and the query's detail says they were presented.
   */
  failedEarlier?: readonly ParsedCredential[];
}

export interface PolicyEvaluation {
  /** Whether the credentials satisfy the policy. Only then may a session be issued. */
  satisfied: boolean;
  /** Every reason the policy is not satisfied; empty when it is. */
  failures: CheckFailure[];
  /**
   * The credential answering each credential query, by query id; queries no
   * credential answers are absent. Filled even when the policy is not
   * satisfied (for diagnostics); never a reason to trust a credential.
   */
  matches: Record<string, ParsedCredential>;
  /** Session-token claims from `policy.session.claims`; empty unless satisfied. */
  sessionClaims: Record<string, unknown>;
  /** Per answering credential, the claims the relying party may see; empty unless satisfied. */
  disclosedClaims: Map<ParsedCredential, Record<string, unknown>>;
}

/** Whether `credential` may answer `query` at all: its format, and the query the wallet presented it for, if it said. */
export function mayAnswer(query: CredentialQuery, credential: ParsedCredential): boolean {
  return credential.format === query.format && (credential.queryId === undefined || credential.queryId === query.id);
}

function checkCandidates(query: CredentialQuery, credentials: readonly ParsedCredential[], clock: EvaluationClock): CandidateOutcome[] {
  return credentials.flatMap((credential, index) =>
    mayAnswer(query, credential) ? [{ credential: index, failures: checkCandidate(query, credential, clock) }] : [],
  );
}

/** Evaluates `policy` against `credentials` (see above). Never throws for any credential content. */
export function evaluatePolicy(policy: PresentationPolicy, credentials: ParsedCredential[], options: PolicyEvaluationOptions): PolicyEvaluation {
  const outcomes = policy.credentials.map((query) => checkCandidates(query, credentials, options));
  const candidates = outcomes.map((list) => list.filter((outcome) => outcome.failures.length === 0).map((outcome) => outcome.credential));
  const plan = planAssignment(requirementSets(policy), candidates, credentials.length);

  const matches: QueryMatches = {};
  const answered: Array<[CredentialQuery, ParsedCredential]> = [];
  policy.credentials.forEach((query, index) => {
    const assigned = plan.assignment.credentialOf(index);
    const credential = assigned === undefined ? undefined : credentials[assigned];
    if (credential === undefined || Object.hasOwn(matches, query.id)) return;
    setOwn(matches, query.id, credential);
    answered.push([query, credential]);
  });

  if (plan.unsatisfied.length > 0) {
    const failedEarlier = options.failedEarlier ?? [];
    const reported = policy.credentials.map((query) =>
      failedEarlier.flatMap((credential) =>
        mayAnswer(query, credential) ? [{ path: credential.path, failures: checkCandidate(query, credential, options) }] : [],
      ),
    );
    return {
      satisfied: false,
      failures: unsatisfiedFailures(policy, credentials, outcomes, plan, reported),
      matches,
      sessionClaims: {},
      disclosedClaims: new Map(),
    };
  }
  return {
    satisfied: true,
    failures: [],
    matches,
    sessionClaims: mapSessionClaims(policy.session?.claims, matches),
    disclosedClaims: new Map(answered.map(([query, credential]) => [credential, discloseClaims(credential, query, options.credentialFormat)])),
  };
}
