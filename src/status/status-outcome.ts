/**
 * What checking one status entry of a credential found out. The check
 * (src/verification/checks/status.ts) turns these into failures according to
 * the policy's `status` setting (docs/api.md "Presentation policies").
 *
 * - `valid`: the list was read and the entry's status is 0 (or, for a
 *   `message` purpose, see `message`).
 * - `message`: an informational status (W3C `statusPurpose: message`, or a
 *   purpose kparty gives no meaning to): never a failure, reported to the
 *   relying party with its `statusMessage` text.
 * - `revoked` / `suspended`: the issuer says so: always a failure.
 * - `unavailable`: the status could not be learned — the list host could not
 *   be reached, or the list is secured in a way kparty cannot verify yet, or
 *   the entry type is not supported. A failure under `status: required`;
 *   under `optional` the credential passes and is reported `unavailable`.
 * - `invalid`: a list was obtained but cannot be relied on (bad or stranger's
 *   signature, unsigned, expired, purpose mismatch, too short, index out of
 *   range, malformed, a decompression bomb): always a failure, since it is
 *   either an issuer error or an attack, not an outage.
 * - `malformed`: the entry in the credential itself breaks its spec:
 *   `credential.malformed`.
 *
 * `stale` marks an answer read from a cached list past its freshness, used
 * because the host could not be reached (policy `optional` only, within
 * KPARTY_STATUS_STALE_GRACE).
 */
export type StatusOutcome =
  | { state: 'valid'; stale?: boolean }
  | { state: 'message'; message: StatusMessage; stale?: boolean }
  | { state: 'revoked' | 'suspended'; detail: string; stale?: boolean }
  | { state: 'unavailable' | 'invalid' | 'malformed'; reason: StatusProblemReason; detail: string };

/**
 * Why a status could not be used; stable, for logs and tests (the `detail`
 * is for people). By outcome:
 * - `unavailable`: `fetch_failed` (the list could not be fetched),
 *   `signer_unresolvable` (the list signer's DID did not resolve),
 *   `securing_unsupported` (a Data Integrity proof, or a signer that is not a
 *   DID), `entry_unsupported` (an entry type or `statusSize` kparty does not read);
 * - `invalid`: `signature_invalid`, `signer_untrusted`, `unsigned`,
 *   `list_malformed`, `list_too_large` (inflation cap), `list_expired`,
 *   `list_not_yet_valid`, `subject_mismatch` (Status List Token `sub`),
 *   `purpose_mismatch`, `list_too_short`, `index_out_of_range`,
 *   `status_unknown` (a Token Status List value kparty gives no meaning);
 * - `malformed`: `entry_malformed`.
 */
export type StatusProblemReason =
  | 'fetch_failed'
  | 'signer_unresolvable'
  | 'securing_unsupported'
  | 'entry_unsupported'
  | 'signature_invalid'
  | 'signer_untrusted'
  | 'unsigned'
  | 'list_malformed'
  | 'list_too_large'
  | 'list_expired'
  | 'list_not_yet_valid'
  | 'subject_mismatch'
  | 'purpose_mismatch'
  | 'list_too_short'
  | 'index_out_of_range'
  | 'status_unknown'
  | 'entry_malformed';

/** A status value and what the issuer says it means (W3C `statusMessage` entry; IETF status type). */
export interface StatusMessage {
  /** The entry's `statusPurpose` (W3C) or `token-status-list`. */
  purpose: string;
  /** The status value as the W3C spec writes it: hexadecimal with `0x`, e.g. `0x2`. */
  status: string;
  /** The issuer's message for that value (for developers, not end users, per the W3C spec). */
  message: string;
}

/** Why a status list could not be used; `unavailable` and `invalid` as in {@link StatusOutcome}. */
export interface StatusListProblem {
  problem: 'unavailable' | 'invalid';
  reason: StatusProblemReason;
  detail: string;
}

export function unavailableList(reason: StatusProblemReason, detail: string): StatusListProblem {
  return { problem: 'unavailable', reason, detail };
}

export function invalidList(reason: StatusProblemReason, detail: string): StatusListProblem {
  return { problem: 'invalid', reason, detail };
}

/** A status value in the W3C `statusMessage` notation. */
export function hexStatus(value: number): string {
  return `0x${value.toString(16)}`;
}

/** Caps a URL or other input-derived text put into a failure's detail. */
export function shown(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
