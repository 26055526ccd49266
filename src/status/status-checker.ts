import type { ParsedCredential } from '../core/model/presentation.js';
import type { PinnedIssuer } from '../trust/issuer-keys.js';
import type { StatusOutcome } from './status-outcome.js';

/** What a status checker is told about the credential whose entry it checks. */
export interface StatusCheckRequest {
  credential: ParsedCredential;
  /** The entry as found in the credential (`credentialStatus[i]`, or the SD-JWT VC `status` claim). */
  entry: unknown;
  /**
   * Whether a cached list past its freshness may answer when the list host
   * cannot be reached: only under policy `status: optional`, and only within
   * KPARTY_STATUS_STALE_GRACE.
   */
  allowStale: boolean;
  /**
   * Whether `did` may sign the status list of this credential: the
   * credential's own issuer always may; another DID only when the policy
   * names it in `trustedIssuers` explicitly (the `"*"` wildcard does not make
   * any stranger an authority over someone else's credentials).
   */
  mayIssueStatusList(did: string): boolean;
  /** Milliseconds since the epoch, fixed for the whole verification. */
  now: number;
  /** Issuer keys the policy pins (`trustedIssuers` `{ id, jwks }`): they verify status lists of those issuers too. */
  pinned?: readonly PinnedIssuer[];
}

/**
 * One status mechanism (docs/architecture.md "House rules" 4: registered, not an if-chain):
 * W3C `BitstringStatusListEntry`, `StatusList2021Entry`, IETF Token Status
 * List (`status.status_list`). `supports` looks at the entry's shape only;
 * `check` never throws for anything the entry or the list can contain.
 */
export interface StatusChecker {
  /** The mechanism's name, for logs and details: the W3C `type`, or `status_list`. */
  readonly mechanism: string;
  supports(entry: unknown): boolean;
  check(request: StatusCheckRequest): Promise<StatusOutcome>;
}
