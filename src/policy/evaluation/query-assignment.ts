/**
 * Which credential answers which credential query, when each credential may
 * answer at most one query (kparty's rule: a presentation lists credentials,
 * and each requirement of the policy is met by a credential of its own).
 *
 * This is bipartite matching, grown one query at a time with augmenting paths
 * (Kuhn's algorithm): to give a query a credential, a credential already given
 * to another query may be moved to one of that query's other candidates. A
 * query once given a credential keeps one (possibly another), so "can all of
 * these queries be answered at once?" is answered exactly by assigning them in
 * any order. A plain greedy (first query takes its first candidate) would
 * fail a policy whose first query takes the only credential the second can use
 * while another credential would have served the first.
 *
 * Sizes are small (≤ 20 queries), and every augmenting search follows each
 * query–credential edge at most once.
 */
export class QueryAssignment {
  private readonly credentialOfQuery: Array<number | undefined>;
  private readonly queryOfCredential: Array<number | undefined>;
  private visitCount = 0;

  /**
   * @param candidates for each query (by index), the indices of the credentials
   *   that match it, in presentation order (earlier credentials are preferred)
   * @param credentialCount number of credentials in the presentation
   */
  constructor(
    private readonly candidates: readonly (readonly number[])[],
    credentialCount: number,
  ) {
    this.credentialOfQuery = new Array<number | undefined>(candidates.length).fill(undefined);
    this.queryOfCredential = new Array<number | undefined>(credentialCount).fill(undefined);
  }

  /** Candidate credentials looked at so far, across all assignments: the work done, for search bounds. */
  get visits(): number {
    return this.visitCount;
  }

  /** The credential answering `query`, if any. */
  credentialOf(query: number): number | undefined {
    return this.credentialOfQuery[query];
  }

  /** Gives `query` a credential, moving others' credentials if needed; false when impossible. */
  assign(query: number): boolean {
    return this.credentialOfQuery[query] !== undefined || this.augment(query, new Set());
  }

  /** Gives every query of `queries` a credential, or changes nothing and returns false. */
  assignAll(queries: readonly number[]): boolean {
    const saved = this.save();
    if (queries.every((query) => this.assign(query))) return true;
    this.restore(saved);
    return false;
  }

  /** The current assignment, to return to with {@link restore}. */
  save(): { credentialOfQuery: Array<number | undefined>; queryOfCredential: Array<number | undefined> } {
    return { credentialOfQuery: [...this.credentialOfQuery], queryOfCredential: [...this.queryOfCredential] };
  }

  restore(saved: ReturnType<QueryAssignment['save']>): void {
    this.credentialOfQuery.splice(0, Infinity, ...saved.credentialOfQuery);
    this.queryOfCredential.splice(0, Infinity, ...saved.queryOfCredential);
  }

  private augment(query: number, visited: Set<number>): boolean {
    for (const credential of this.candidates[query] ?? []) {
      this.visitCount += 1;
      if (visited.has(credential)) continue;
      visited.add(credential);
      const holder = this.queryOfCredential[credential];
      if (holder === undefined || this.augment(holder, visited)) {
        this.queryOfCredential[credential] = query;
        this.credentialOfQuery[query] = credential;
        return true;
      }
    }
    return false;
  }
}
