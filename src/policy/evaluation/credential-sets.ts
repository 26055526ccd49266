/**
 * DCQL credential sets (OpenID4VP 1.0 §6.2, and "Selecting Credentials" in
 * §6.4.2): which combinations of credential queries satisfy a policy.
 *
 * - Without `credential_sets`, every credential query is required: each
 *   becomes a required set of one option holding only that query.
 * - With them, the policy is satisfied when every required set (`required`
 *   defaults to true) has an option whose queries are all answered — at the
 *   same time, each by its own credential ({@link QueryAssignment}). Options
 *   are tried in the order given (deterministic, and the order §6.4.1 reads
 *   as the verifier's preference for claim_sets), with backtracking: choosing
 *   the first workable option of one set must not make a later set fail when
 *   another choice would satisfy both.
 * - Queries no chosen option of a required set names are optional. After the
 *   required sets, every other query is given a credential when one is still
 *   free, in query order, so optional sets and session claims see what the
 *   wallet sent. They never take a credential from a required query.
 */
import type { PresentationPolicy } from '../../core/model/policy.js';
import { QueryAssignment } from './query-assignment.js';

/** A credential set with its credential query ids resolved to query indices. */
export interface RequirementSet {
  /** Position in `policy.credential_sets`; undefined for the implicit one-query sets of a policy without them. */
  index: number | undefined;
  /** Options whose ids all name a credential query (an option naming an unknown id can never be met). */
  options: number[][];
  required: boolean;
}

export interface AssignmentPlan {
  assignment: QueryAssignment;
  /** Required sets no option of which could be met; empty when the policy is satisfied. */
  unsatisfied: RequirementSet[];
}

/**
 * Bounds on the search for a combination of options that meets every required
 * set: options tried, and candidate credentials looked at. Realistic policies
 * need a handful of each; the bounds keep a pathological policy (20 sets × 20
 * options: 20^20 combinations) or a presentation with very many matching
 * credentials from costing more than milliseconds. Reaching a bound fails
 * closed: the search stops, and the required sets are then met greedily, in
 * order, each with its first workable option (what the search tries first),
 * those that cannot be met being reported.
 */
const MAX_OPTION_TRIALS = 10_000;
const MAX_CREDENTIAL_VISITS = 1_000_000;

/** The policy's credential sets, or one required set per query when it has none. */
export function requirementSets(policy: PresentationPolicy): RequirementSet[] {
  const indexOf = new Map<string, number>();
  policy.credentials.forEach((query, index) => {
    if (!indexOf.has(query.id)) indexOf.set(query.id, index);
  });
  if (!policy.credential_sets) return policy.credentials.map((_, query) => ({ index: undefined, options: [[query]], required: true }));
  return policy.credential_sets.map((set, index) => ({
    index,
    required: set.required !== false,
    options: set.options.flatMap((option) => {
      const queries = option.map((id) => indexOf.get(id));
      return queries.every((query) => query !== undefined) ? [queries as number[]] : [];
    }),
  }));
}

function search(required: readonly RequirementSet[], next: number, assignment: QueryAssignment, budget: { trials: number }): boolean {
  const set = required[next];
  if (set === undefined) return true;
  for (const option of set.options) {
    if (budget.trials-- <= 0 || assignment.visits > MAX_CREDENTIAL_VISITS) return false;
    const saved = assignment.save();
    if (assignment.assignAll(option) && search(required, next + 1, assignment, budget)) return true;
    assignment.restore(saved);
  }
  return false;
}

/**
 * Assigns credentials to queries so that every required set is met, if that
 * is possible; otherwise meets the required sets it can, in order (each with
 * its first workable option), and lists the others as unsatisfied.
 *
 * @param candidates for each query, the credentials that match it on their own
 */
export function planAssignment(sets: readonly RequirementSet[], candidates: readonly (readonly number[])[], credentialCount: number): AssignmentPlan {
  const required = sets.filter((set) => set.required);
  let assignment = new QueryAssignment(candidates, credentialCount);
  let unsatisfied: RequirementSet[] = [];
  if (!search(required, 0, assignment, { trials: MAX_OPTION_TRIALS })) {
    assignment = new QueryAssignment(candidates, credentialCount);
    unsatisfied = required.filter((set) => !set.options.some((option) => assignment.assignAll(option)));
  }
  candidates.forEach((_, query) => assignment.assign(query));
  return { assignment, unsatisfied };
}
