/**
 * Credential status (docs/api.md "Presentation policies", `status`): the status-checker registry and the
 * mechanisms kparty checks — W3C Bitstring Status List
 * (`BitstringStatusListEntry`), W3C StatusList2021 (`StatusList2021Entry`)
 * and the IETF Token Status List (`status.status_list`) — over one cached,
 * single-flight {@link StatusListSource} that fetches through the guarded
 * Fetcher.
 */
import type { Fetcher } from '../core/ports/fetcher.js';
import type { SharedCache } from '../core/ports/shared-cache.js';
import type { Clock } from '../core/clock.js';
import type { DidResolver } from '../did/did-resolver.js';
import type { JwtVcIssuerMetadataResolver } from '../trust/jwt-vc-issuer-metadata.js';
import { TrustAnchorStore } from '../trust/trust-anchors.js';
import type { ListDataIntegrity } from './bitstring-status-list/list-credential.js';
import { BitstringStatusChecker } from './bitstring-status-list/bitstring-status-checker.js';
import { StatusCheckerRegistry } from './status-checker-registry.js';
import { StatusListSource, type StatusListCacheSettings } from './status-list-source.js';
import { TokenStatusListChecker } from './token-status-list/token-status-checker.js';
import type { StatusListCwtTrust } from './token-status-list/status-list-cwt.js';

export { StatusCheckerRegistry } from './status-checker-registry.js';
export type { StatusChecker, StatusCheckRequest } from './status-checker.js';
export type { StatusMessage, StatusOutcome } from './status-outcome.js';
export { StatusListSource, type StatusListCacheSettings } from './status-list-source.js';

export interface StatusCheckingOptions extends StatusListCacheSettings {
  /** KPARTY_STATUS_MAX_LIST_BYTES (default 16 MiB): most bytes a status list may inflate to. */
  maxListBytes: number;
}

/** The registry of every status mechanism kparty checks, sharing one list source. */
export function createStatusCheckers(
  deps: {
    fetcher: Fetcher;
    dids: DidResolver;
    sharedCache?: SharedCache;
    /** Status List Tokens: KPARTY_TRUST_ANCHORS for x5c-signed tokens, jwt-vc-issuer metadata for https issuers. */
    anchors?: TrustAnchorStore;
    metadata?: JwtVcIssuerMetadataResolver;
    clock?: Clock;
    /** Status List Tokens in CWT form (mdoc MSO `status`): x5chain to KPARTY_TRUST_ANCHORS. */
    statusListCwt?: StatusListCwtTrust;
    /** Bitstring Status List credentials secured with Data Integrity (src/formats/data-integrity/). */
    dataIntegrity?: ListDataIntegrity;
  },
  options: StatusCheckingOptions,
): StatusCheckerRegistry {
  const source = new StatusListSource(deps.fetcher, options, deps.sharedCache);
  return new StatusCheckerRegistry([
    BitstringStatusChecker.bitstringStatusList(source, deps.dids, options.maxListBytes, deps.dataIntegrity),
    BitstringStatusChecker.statusList2021(source, deps.dids, options.maxListBytes, deps.dataIntegrity),
    new TokenStatusListChecker(
      source,
      { dids: deps.dids, anchors: deps.anchors ?? TrustAnchorStore.empty(), ...(deps.metadata ? { metadata: deps.metadata } : {}) },
      options.maxListBytes,
      {
        clockSkewSeconds: options.clockSkewSeconds,
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.statusListCwt ? { cwt: deps.statusListCwt } : {}),
      },
    ),
  ]);
}
