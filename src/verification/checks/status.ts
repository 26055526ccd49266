import type { CheckFailure } from '../../core/model/check.js';
import type { CredentialQuery } from '../../core/model/policy.js';
import type { ParsedCredential } from '../../core/model/presentation.js';
import { isTrustedIssuer, pinnedIssuers, trustFailure } from '../../policy/evaluation/trusted-issuers.js';
import type { StatusMessage, StatusOutcome } from '../../status/index.js';
import {
  queriesFor,
  unblemishedCredentials,
  type CredentialState,
  type VerificationCheck,
  type VerificationContext,
  type VerificationDependencies,
} from '../verification-context.js';

const STRICTNESS = { required: 2, optional: 1, ignore: 0 } as const;
type StatusSetting = keyof typeof STRICTNESS;

/** Most status entries one credential may carry; each may cost a fetch. */
export const MAX_STATUS_ENTRIES = 8;

/**
 * The `status` setting that applies to a credential: the strictest among the
 * policy's queries it could answer (a query's default is `required`). Status
 * runs before the policy assigns credentials to queries, so a credential is
 * held to the strictest query it could satisfy. A format no query asks for
 * gives `ignore`: such a credential cannot satisfy the policy anyway.
 */
function statusSetting(queries: readonly CredentialQuery[]): StatusSetting {
  let setting: StatusSetting = 'ignore';
  for (const query of queries) {
    const own = query.status ?? 'required';
    if (STRICTNESS[own] > STRICTNESS[setting]) setting = own;
  }
  return setting;
}

/** Whether some query the credential could answer could accept its issuer; if none can, its lists are not fetched. */
function issuerMayBeTrusted(queries: readonly CredentialQuery[], credential: ParsedCredential): boolean {
  return queries.some((q) => trustFailure(q, credential) === undefined);
}

/**
 * Who may sign a credential's status list besides its issuer: an issuer the
 * policy names explicitly (exact DID or did:web pattern) for that format.
 * The `"*"` wildcard is left out: "any issuer's credentials" must not become
 * "anyone may revoke — or un-revoke — anyone's credentials".
 */
function statusListAuthorities(queries: readonly CredentialQuery[]): (did: string) => boolean {
  const named = queries.flatMap((q) => (q.trustedIssuers ?? []).filter((entry) => entry !== '*'));
  return (did) => isTrustedIssuer(did, named);
}

async function checkEntries(
  credential: ParsedCredential,
  setting: Exclude<StatusSetting, 'ignore'>,
  queries: readonly CredentialQuery[],
  context: VerificationContext,
  deps: VerificationDependencies,
): Promise<StatusOutcome[]> {
  const mayIssueStatusList = statusListAuthorities(queries);
  const pinned = pinnedIssuers(context.policy.credentials);
  return Promise.all(
    credential.status.map(({ entry }) =>
      deps.status.check({ credential, entry, allowStale: setting === 'optional', mayIssueStatusList, now: context.now, pinned, budget: context.budget }),
    ),
  );
}

/** Turns one credential's entry outcomes into failures, its reported status and its status messages. */
function record(state: CredentialState, setting: Exclude<StatusSetting, 'ignore'>, outcomes: StatusOutcome[]): CheckFailure[] {
  const { credential } = state;
  const failures: CheckFailure[] = [];
  const messages: StatusMessage[] = [];
  let unavailable = false;
  let stale = false;
  const fail = (code: CheckFailure['code'], path: string, detail: string): void => {
    failures.push({ code, path, detail, credential: credential.ref });
  };
  outcomes.forEach((outcome, index) => {
    const path = credential.status[index]?.path ?? credential.path;
    switch (outcome.state) {
      case 'valid':
        stale ||= outcome.stale === true;
        break;
      case 'message':
        stale ||= outcome.stale === true;
        messages.push(outcome.message);
        break;
      case 'revoked':
        fail('credential.revoked', path, outcome.detail);
        break;
      case 'suspended':
        fail('credential.suspended', path, outcome.detail);
        break;
      case 'malformed':
        fail('credential.malformed', path, outcome.detail);
        break;
      case 'invalid':
        fail('credential.status_unavailable', path, outcome.detail);
        break;
      case 'unavailable':
        if (setting === 'required') fail('credential.status_unavailable', path, outcome.detail);
        else unavailable = true;
        break;
    }
  });
  state.status = unavailable ? 'unavailable' : stale ? 'stale' : 'valid';
  if (messages.length > 0) state.statusMessages = messages;
  return failures;
}

/**
 * Credential status (docs/api.md "Presentation policies", `status`): every status entry of every
 * credential is checked through the status-checker registry
 * (src/status/), under the policy's setting for the credential
 * ({@link statusSetting}):
 * - `required`: revoked → `credential.revoked`, suspended →
 *   `credential.suspended`; a status that cannot be learned or a list that
 *   cannot be relied on → `credential.status_unavailable` (fail closed);
 * - `optional`: the same, except that a status that cannot be learned (list
 *   host down, list secured in a way kparty cannot verify) passes, and the
 *   credential is reported `unavailable`; a cached list may answer past its
 *   freshness within KPARTY_STATUS_STALE_GRACE (reported `stale`). A list that
 *   was obtained but is bad (forged, expired, wrong purpose, too short, index
 *   out of range) still fails: that is an attack or an issuer error, not an outage.
 * - `ignore`: not checked, reported `unchecked`.
 *
 * Only credentials that passed every earlier check, and whose issuer some
 * query could trust, are checked: a forged or expired credential, or one from
 * an issuer the policy would refuse anyway, never makes kparty fetch a URL it names.
 */
export const statusCheck: VerificationCheck = {
  name: 'status',
  async run(context, deps) {
    const checkable = new Set(unblemishedCredentials(context));
    const failures: CheckFailure[] = [];
    const jobs: Array<Promise<CheckFailure[]>> = [];
    for (const state of context.credentials) {
      const { credential } = state;
      if (credential.status.length === 0) {
        state.status = 'none';
        continue;
      }
      state.status = 'unchecked';
      const queries = queriesFor(context.policy, credential);
      const setting = statusSetting(queries);
      if (setting === 'ignore' || !checkable.has(state) || !issuerMayBeTrusted(queries, credential)) continue;
      if (credential.status.length > MAX_STATUS_ENTRIES) {
        failures.push({
          code: 'credential.malformed',
          path: credential.path,
          detail: `more than ${MAX_STATUS_ENTRIES} status entries`,
          credential: credential.ref,
        });
        continue;
      }
      jobs.push(checkEntries(credential, setting, queries, context, deps).then((outcomes) => record(state, setting, outcomes)));
    }
    for (const found of await Promise.all(jobs)) failures.push(...found);
    return failures;
  },
};
