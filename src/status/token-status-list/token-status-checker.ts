import { systemClock, type Clock } from '../../core/clock.js';
import { isObject } from '../../formats/jwt-parts.js';
import { isFetchableUrl } from '../bitstring-status-list/status-list-entry.js';
import type { StatusChecker, StatusCheckRequest } from '../status-checker.js';
import type { StatusListFormat, StatusListSource } from '../status-list-source.js';
import { hexStatus, shown, type StatusOutcome } from '../status-outcome.js';
import { readTokenStatus } from './status-list-bits.js';
import { statusListTokenFormat, verifyDeferredStatusList, type StatusListKeys, type TokenStatusList } from './status-list-token.js';
import type { StatusListCwtTrust } from './status-list-cwt.js';

/** Status Type values (draft-ietf-oauth-status-list § "Status Types Values"). */
export const TOKEN_STATUS_VALID = 0x00;
export const TOKEN_STATUS_INVALID = 0x01;
export const TOKEN_STATUS_SUSPENDED = 0x02;

/**
 * Checks a Referenced Token's `status.status_list` (`idx`, `uri`) against
 * its Status List Token (IETF draft-ietf-oauth-status-list, § "Validation
 * Rules"); ready for SD-JWT VC, whose `status` claim is the entry. The token
 * must be signed by the credential's issuer or by an issuer the policy names.
 *
 * Status values: 0x00 VALID → `valid`; 0x01 INVALID → `revoked`;
 * 0x02 SUSPENDED → `suspended`; an index outside the list → `invalid` (the
 * draft: "no statement … can be made", SHOULD reject); any other value
 * (application-specific 0x03, 0x0C–0x0F, or unregistered) → `invalid`: kparty
 * does not know what it means and fails closed.
 */
export class TokenStatusListChecker implements StatusChecker {
  readonly mechanism = 'status_list';
  readonly #format: StatusListFormat<TokenStatusList>;
  readonly #keys: StatusListKeys;
  readonly #clockSkewSeconds: number;

  /** @param keys - the issuer-key routes (src/trust/issuer-keys.ts); a bare DidResolver: DID-signed lists only. */
  constructor(
    private readonly source: StatusListSource,
    keys: StatusListKeys,
    maxListBytes: number,
    /** `cwt`: trust for Status List Tokens in CWT format (x5chain to KPARTY_TRUST_ANCHORS); without it they are `unavailable`. */
    options: { clock?: Clock; clockSkewSeconds?: number; cwt?: StatusListCwtTrust } = {},
  ) {
    this.#keys = keys;
    this.#clockSkewSeconds = options.clockSkewSeconds ?? 60;
    const clock = options.clock ?? systemClock;
    this.#format = statusListTokenFormat(keys, maxListBytes, { now: () => clock.now(), clockSkewSeconds: this.#clockSkewSeconds }, options.cwt);
  }

  supports(entry: unknown): boolean {
    return isObject(entry) && entry.status_list !== undefined;
  }

  async check(request: StatusCheckRequest): Promise<StatusOutcome> {
    const reference = isObject(request.entry) ? request.entry.status_list : undefined;
    if (!isObject(reference)) return { state: 'malformed', reason: 'entry_malformed', detail: '"status_list" must be an object with "idx" and "uri"' };
    const { idx, uri } = reference;
    if (typeof idx !== 'number' || !Number.isSafeInteger(idx) || idx < 0) {
      return { state: 'malformed', reason: 'entry_malformed', detail: '"status_list.idx" must be a non-negative integer' };
    }
    if (!isFetchableUrl(uri)) return { state: 'malformed', reason: 'entry_malformed', detail: '"status_list.uri" must be an http(s) URL' };

    const obtained = await this.source.obtain(uri, this.#format, { now: request.now, allowStale: request.allowStale, budget: request.budget });
    if (!obtained.ok) return { state: obtained.problem, reason: obtained.reason, detail: obtained.detail };
    const { bits, list, deferred } = obtained.read.list;
    let issuer = obtained.read.list.issuer;
    if (deferred) {
      const verified = await verifyDeferredStatusList(deferred, this.#keys, request.pinned ?? [], request.now, this.#clockSkewSeconds);
      if (typeof verified !== 'string') return { state: verified.problem, reason: verified.reason, detail: verified.detail };
      issuer = verified;
    }
    if (issuer === undefined) return { state: 'invalid', reason: 'unsigned', detail: "the Status List Token's signature was not verified" };
    const stale = obtained.stale ? { stale: true } : {};
    if (issuer !== request.credential.issuer && !request.mayIssueStatusList(issuer)) {
      return {
        state: 'invalid',
        reason: 'signer_untrusted',
        detail: `the Status List Token is signed by ${shown(issuer)}, neither the credential's issuer nor an issuer the policy trusts`,
      };
    }
    const status = readTokenStatus(list, idx, bits);
    if (status === undefined)
      return { state: 'invalid', reason: 'index_out_of_range', detail: `status_list.idx is outside the status list (${(list.length * 8) / bits} entries)` };
    const where = `Status List Token ${shown(uri)} index ${idx}`;
    switch (status) {
      case TOKEN_STATUS_VALID:
        return { state: 'valid', ...stale };
      case TOKEN_STATUS_INVALID:
        return { state: 'revoked', detail: `revoked: status INVALID (${where})`, ...stale };
      case TOKEN_STATUS_SUSPENDED:
        return { state: 'suspended', detail: `suspended (${where})`, ...stale };
      default:
        return { state: 'invalid', reason: 'status_unknown', detail: `status ${hexStatus(status)} has no meaning kparty knows (${where})` };
    }
  }
}
