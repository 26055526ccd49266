import type { StatusChecker, StatusCheckRequest } from './status-checker.js';
import { shown, type StatusOutcome } from './status-outcome.js';

/**
 * The status-mechanism registry (docs/architecture.md "House rules" 4): hands each entry to
 * the checker that declares it supports the entry's shape. An entry no
 * checker supports is a typed `unavailable` outcome (kparty cannot learn that
 * status), not a crash; an entry that is not even an object is `malformed`.
 */
export class StatusCheckerRegistry {
  readonly #checkers: readonly StatusChecker[];

  /** @throws Error when two checkers declare the same mechanism (a wiring mistake). */
  constructor(checkers: readonly StatusChecker[]) {
    const names = new Set<string>();
    for (const checker of checkers) {
      if (names.has(checker.mechanism)) throw new Error(`Two status checkers registered for ${checker.mechanism}`);
      names.add(checker.mechanism);
    }
    this.#checkers = checkers;
  }

  /** The registered mechanisms, e.g. `['BitstringStatusListEntry', 'StatusList2021Entry', 'status_list']`. */
  get supportedMechanisms(): string[] {
    return this.#checkers.map((c) => c.mechanism);
  }

  async check(request: StatusCheckRequest): Promise<StatusOutcome> {
    const { entry } = request;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      return { state: 'malformed', reason: 'entry_malformed', detail: 'a status entry must be an object' };
    }
    const checker = this.#checkers.find((c) => c.supports(entry));
    if (!checker) {
      const type = (entry as { type?: unknown }).type;
      const named = typeof type === 'string' ? `of type "${shown(type, 80)}"` : 'of this shape';
      return { state: 'unavailable', reason: 'entry_unsupported', detail: `kparty cannot check status entries ${named}` };
    }
    return checker.check(request);
  }
}
