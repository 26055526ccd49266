import type { DidResolver } from '../../did/did-resolver.js';
import { isObject } from '../../formats/jwt-parts.js';
import type { StatusChecker, StatusCheckRequest } from '../status-checker.js';
import type { StatusListSource, StatusListFormat } from '../status-list-source.js';
import { hexStatus, shown, type StatusOutcome } from '../status-outcome.js';
import { readBitstringStatus } from './bitstring.js';
import { readW3cStatusEntry } from './status-list-entry.js';
import type { ListDataIntegrity } from './list-credential.js';
import { BITSTRING_STATUS_LIST, STATUS_LIST_2021, w3cStatusListFormat, type W3cListKind, type W3cStatusList } from './w3c-status-list-format.js';

/**
 * W3C Bitstring Status List v1.0 §3.2 "Validate Algorithm" minimum: 131,072
 * entries (16 KiB of 1-bit statuses), for herd privacy. StatusList2021 has
 * the same minimum.
 */
export const MIN_STATUS_LIST_ENTRIES = 131_072;

interface W3cMechanism {
  entryType: 'BitstringStatusListEntry' | 'StatusList2021Entry';
  listKind: W3cListKind;
}

/**
 * Checks W3C status entries against their status list credential, following
 * the Validate Algorithm of W3C Bitstring Status List v1.0 §3.2, each of its
 * errors a typed outcome:
 * - dereferencing fails (STATUS_RETRIEVAL_ERROR) → `unavailable`;
 * - the list's proof does not verify, or its `statusPurpose` does not include
 *   the entry's (STATUS_VERIFICATION_ERROR) → `invalid`;
 * - fewer than {@link MIN_STATUS_LIST_ENTRIES} entries (STATUS_LIST_LENGTH_ERROR) → `invalid`;
 * - the index outside the bitstring (RANGE_ERROR) → `invalid`;
 * - a malformed entry (MALFORMED_VALUE_ERROR) → `malformed`.
 * In addition the list must be signed by the credential's issuer or by an
 * issuer the policy names explicitly, and be within its validity period.
 *
 * Purposes: `revocation` / `suspension` with a non-zero status → `revoked` /
 * `suspended`; `message` and any other purpose → an informational `message`
 * (its `statusMessage` text, or the spec's default "set"/"unset").
 */
export class BitstringStatusChecker implements StatusChecker {
  readonly mechanism: string;
  readonly #format: StatusListFormat<W3cStatusList>;
  readonly #sizedEntries: boolean;

  private constructor(
    mechanism: W3cMechanism,
    private readonly source: StatusListSource,
    dids: DidResolver,
    maxListBytes: number,
    dataIntegrity?: ListDataIntegrity,
  ) {
    this.mechanism = mechanism.entryType;
    this.#format = w3cStatusListFormat(mechanism.listKind, dids, maxListBytes, dataIntegrity);
    this.#sizedEntries = mechanism.listKind.bitstringStatusList;
  }

  /** `BitstringStatusListEntry` (W3C Bitstring Status List v1.0). */
  static bitstringStatusList(source: StatusListSource, dids: DidResolver, maxListBytes: number, dataIntegrity?: ListDataIntegrity): BitstringStatusChecker {
    return new BitstringStatusChecker({ entryType: 'BitstringStatusListEntry', listKind: BITSTRING_STATUS_LIST }, source, dids, maxListBytes, dataIntegrity);
  }

  /** `StatusList2021Entry` (W3C CCG Status List 2021). */
  static statusList2021(source: StatusListSource, dids: DidResolver, maxListBytes: number, dataIntegrity?: ListDataIntegrity): BitstringStatusChecker {
    return new BitstringStatusChecker({ entryType: 'StatusList2021Entry', listKind: STATUS_LIST_2021 }, source, dids, maxListBytes, dataIntegrity);
  }

  supports(entry: unknown): boolean {
    return isObject(entry) && entry.type === this.mechanism;
  }

  async check(request: StatusCheckRequest): Promise<StatusOutcome> {
    const entry = readW3cStatusEntry(request.entry, { sizedEntries: this.#sizedEntries });
    if ('malformed' in entry) return { state: 'malformed', reason: 'entry_malformed', detail: entry.malformed };
    if ('unsupported' in entry) return { state: 'unavailable', reason: 'entry_unsupported', detail: entry.unsupported };

    const obtained = await this.source.obtain(entry.listUrl, this.#format, { now: request.now, allowStale: request.allowStale, budget: request.budget });
    if (!obtained.ok) return { state: obtained.problem, reason: obtained.reason, detail: obtained.detail };
    const { issuer, purposes, bitstring } = obtained.read.list;
    const stale = obtained.stale ? { stale: true } : {};

    if (issuer !== request.credential.issuer && !request.mayIssueStatusList(issuer)) {
      return {
        state: 'invalid',
        reason: 'signer_untrusted',
        detail: `the status list is signed by ${shown(issuer)}, neither the credential's issuer nor an issuer the policy trusts`,
      };
    }
    if (!purposes.includes(entry.purpose)) {
      return { state: 'invalid', reason: 'purpose_mismatch', detail: `the status list's statusPurpose does not include "${shown(entry.purpose, 100)}"` };
    }
    const entries = Math.floor((bitstring.length * 8) / entry.size);
    if (entries < MIN_STATUS_LIST_ENTRIES) {
      return {
        state: 'invalid',
        reason: 'list_too_short',
        detail: `the status list has ${entries} entries, fewer than the ${MIN_STATUS_LIST_ENTRIES} required for herd privacy`,
      };
    }
    const status = entry.index === null ? undefined : readBitstringStatus(bitstring, entry.index, entry.size);
    if (status === undefined) {
      return { state: 'invalid', reason: 'index_out_of_range', detail: `statusListIndex is outside the status list (${entries} entries)` };
    }

    const where = `status list ${shown(entry.listUrl)} index ${entry.index}`;
    if (entry.purpose === 'revocation') return status === 0 ? { state: 'valid', ...stale } : { state: 'revoked', detail: `revoked (${where})`, ...stale };
    if (entry.purpose === 'suspension') return status === 0 ? { state: 'valid', ...stale } : { state: 'suspended', detail: `suspended (${where})`, ...stale };
    const message = entry.messages?.get(status) ?? (entry.size === 1 ? (status === 1 ? 'set' : 'unset') : hexStatus(status));
    return { state: 'message', message: { purpose: entry.purpose, status: hexStatus(status), message }, ...stale };
  }
}
