import type { ErrorEntry } from '../../core/errors.js';
import type { PresentationPolicy } from '../../core/model/policy.js';
import type { RecheckReference } from '../../core/ports/session-family-store.js';
import { isTrustedIssuer, pinnedIssuers } from '../../policy/evaluation/trusted-issuers.js';
import type { StatusCheckerRegistry } from '../../status/index.js';

/** Most status entries re-read per credential (as at sign-in, src/verification/checks/status.ts). */
export const MAX_RECHECK_STATUS_ENTRIES = 8;

export interface RecheckDependencies {
  status: Pick<StatusCheckerRegistry, 'check'>;
  /** Milliseconds since the epoch. */
  now: number;
  /** KPARTY_CLOCK_SKEW seconds, tolerated on `exp` as at sign-in. */
  clockSkewSeconds: number;
}

/**
 * What a refresh re-checks of the credentials a session rests on, from what
 * the family remembers (docs/sessions.md): their validity end always, and with
 * `recheck: "status"` their status lists, read again through the status
 * checker registry — the same fetcher, cache and rules as at sign-in.
 * Revoked → `credential.revoked`, suspended → `credential.suspended`, an
 * unreadable list under `required` (or a list that cannot be relied on)
 * → `credential.status_unavailable`, past `exp` → `credential.expired`.
 * An empty answer means the session may go on.
 *
 * Who may sign a list besides the credential's issuer follows the policy as it
 * is now: issuers it names explicitly (never through `"*"`).
 */
export async function recheckCredentials(
  credentials: readonly RecheckReference[],
  recheck: 'status' | 'none',
  policy: PresentationPolicy,
  deps: RecheckDependencies,
): Promise<ErrorEntry[]> {
  const failures: ErrorEntry[] = [];
  const nowSeconds = Math.floor(deps.now / 1000);
  const named = policy.credentials.flatMap((q) => (q.trustedIssuers ?? []).filter((entry) => entry !== '*'));
  const mayIssueStatusList = (did: string): boolean => isTrustedIssuer(did, named);
  // Keys the policy pins verify status lists of those issuers too, as at sign-in.
  const pinned = pinnedIssuers(policy.credentials);
  const jobs: Array<Promise<void>> = [];
  credentials.forEach((credential, index) => {
    const path = `session.credentials[${index}]`;
    if (credential.expiresAt !== undefined && credential.expiresAt + deps.clockSkewSeconds <= nowSeconds) {
      failures.push({ code: 'credential.expired', path, detail: 'a credential the session rests on has expired' });
      return;
    }
    if (recheck !== 'status' || credential.statusSetting === 'ignore') return;
    const entries = credential.status.slice(0, MAX_RECHECK_STATUS_ENTRIES);
    entries.forEach((entry, entryIndex) => {
      jobs.push(
        deps.status
          .check({
            credential: { issuer: credential.issuer },
            entry,
            allowStale: credential.statusSetting === 'optional',
            mayIssueStatusList,
            now: deps.now,
            pinned,
          })
          .then((outcome) => {
            const at = `${path}.status[${entryIndex}]`;
            switch (outcome.state) {
              case 'revoked':
                failures.push({ code: 'credential.revoked', path: at, detail: outcome.detail });
                break;
              case 'suspended':
                failures.push({ code: 'credential.suspended', path: at, detail: outcome.detail });
                break;
              case 'invalid':
              case 'malformed':
                failures.push({ code: 'credential.status_unavailable', path: at, detail: outcome.detail });
                break;
              case 'unavailable':
                if (credential.statusSetting === 'required') failures.push({ code: 'credential.status_unavailable', path: at, detail: outcome.detail });
                break;
              default:
                break;
            }
          }),
      );
    });
  });
  await Promise.all(jobs);
  return failures;
}
