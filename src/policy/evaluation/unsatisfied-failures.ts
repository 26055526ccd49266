/**
 * Why a policy is not satisfied, as failures (docs/api.md "Verifying a presentation"): every failure that kept
 * a credential from answering a query the policy needed, then one
 * `policy.unsatisfied` per such query (path `presentation`), then one per
 * unmet credential set (explicit `credential_sets` only).
 *
 * A query is reported when it belongs to an unmet required set and no
 * credential answers it. Its report lists the failures of EVERY credential of
 * its format, since each is a reason the query went unanswered — and of
 * every credential that could have answered it but failed an earlier check
 * (reported, never counted), so every reason listed is true. Queries that
 * are answered report nothing, not even the failures of other candidates:
 * those credentials were simply not needed for that query.
 */
import type { CheckFailure } from '../../core/model/check.js';
import type { PresentationPolicy } from '../../core/model/policy.js';
import type { ParsedCredential } from '../../core/model/presentation.js';
import type { AssignmentPlan, RequirementSet } from './credential-sets.js';
import { quote } from './quote.js';

/** The outcome of checking one candidate credential against one query. */
export interface CandidateOutcome {
  /** Index of the credential in the presentation. */
  credential: number;
  /** Empty when the credential matches the query on its own. */
  failures: CheckFailure[];
}

/** A credential that failed an earlier check, checked against a query for reporting only. */
export interface ReportedOutcome {
  path: string;
  failures: CheckFailure[];
}

/** Credential paths listed in one detail at most. */
const MAX_LISTED = 5;

function listed(paths: ReadonlyArray<string | undefined>): string {
  return paths.length > MAX_LISTED ? `${paths.slice(0, MAX_LISTED).join(', ')}, …` : paths.join(', ');
}

function unansweredQueries(plan: AssignmentPlan): number[] {
  const queries = new Set<number>();
  for (const set of plan.unsatisfied) {
    for (const option of set.options) {
      for (const query of option) if (plan.assignment.credentialOf(query) === undefined) queries.add(query);
    }
  }
  return [...queries].sort((a, b) => a - b);
}

function queryDetail(
  policy: PresentationPolicy,
  query: number,
  outcomes: readonly CandidateOutcome[],
  credentials: readonly ParsedCredential[],
  failedEarlier: readonly ReportedOutcome[],
): string {
  const { id, format } = policy.credentials[query] as PresentationPolicy['credentials'][number];
  const unsatisfied = `credential query ${quote(id)} is not satisfied`;
  const taken = outcomes.filter((outcome) => outcome.failures.length === 0).map((outcome) => credentials[outcome.credential]?.path);
  if (taken.length > 0) {
    return `${unsatisfied}: the credentials that match it (${listed(taken)}) answer other credential queries, and each credential answers one query only`;
  }
  if (outcomes.length === 0 && failedEarlier.length === 0) return `${unsatisfied}: no credential of format ${format} was presented`;
  if (outcomes.length === 0)
    return `${unsatisfied}: the credentials of format ${format} presented (${listed(failedEarlier.map((o) => o.path))}) failed the checks listed`;
  return unsatisfied;
}

function setDetail(policy: PresentationPolicy, set: RequirementSet): string {
  const options = policy.credential_sets?.[set.index as number]?.options ?? [];
  return `credential set ${set.index} is not satisfied: no option has all its credential queries answered (${options.map((option) => quote(option)).join(' or ')})`;
}

/** The failures explaining why `plan` leaves `policy` unsatisfied (see above); `[]` when it is satisfied. */
export function unsatisfiedFailures(
  policy: PresentationPolicy,
  credentials: readonly ParsedCredential[],
  outcomes: readonly (readonly CandidateOutcome[])[],
  plan: AssignmentPlan,
  failedEarlier: readonly (readonly ReportedOutcome[])[] = [],
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const query of unansweredQueries(plan)) {
    const candidates = outcomes[query] ?? [];
    const reported = failedEarlier[query] ?? [];
    failures.push(...candidates.flatMap((outcome) => outcome.failures));
    failures.push(...reported.flatMap((outcome) => outcome.failures));
    failures.push({ code: 'policy.unsatisfied', path: 'presentation', detail: queryDetail(policy, query, candidates, credentials, reported) });
  }
  for (const set of plan.unsatisfied) {
    if (set.index !== undefined) failures.push({ code: 'policy.unsatisfied', path: 'presentation', detail: setDetail(policy, set) });
  }
  return failures;
}
