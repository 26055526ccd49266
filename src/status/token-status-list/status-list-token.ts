import type { ParsedJws } from '../../core/model/presentation.js';
import { DidResolver } from '../../did/did-resolver.js';
import { isDid, splitDidUrl } from '../../did/did-syntax.js';
import { saneDuration, saneNumericDate } from '../../formats/date-range.js';
import { decodeJwt, isObject } from '../../formats/jwt-parts.js';
import { verifyIssuerSignature, type IssuerKeyEnvironment, type PinnedIssuer } from '../../trust/issuer-keys.js';
import { TrustAnchorStore } from '../../trust/trust-anchors.js';
import { budgetRefusalDetail } from '../../net/request-budget.js';
import { inflateCapped } from '../inflate-capped.js';
import { verifyStatusListSignature } from '../list-signature.js';
import type { ReadStatusList, StatusListFormat } from '../status-list-source.js';
import { invalidList, shown, unavailableList, type StatusListProblem, type StatusProblemReason } from '../status-outcome.js';
import { isStatusBits, type StatusBits } from './status-list-bits.js';
import { CWT_BODY_PREFIX, readStatusListCwt, STATUS_LIST_CWT_MEDIA_TYPE, statusListBodyText, type StatusListCwtTrust } from './status-list-cwt.js';

/** A Status List Token, its list inflated; its signature verified (`issuer`) or, for an https issuer, verified per check (`deferred`). */
export interface TokenStatusList {
  /** The signer's identifier (a DID, an `iss` URL or `x509_hash:…` — of the x5chain leaf for a CWT) once the signature verified while reading. */
  issuer?: string;
  /**
   * An https `iss` without `x5c`: the keys may be pinned by the policy, so the
   * signature is verified at check time (pinned keys, else the issuer's
   * jwt-vc-issuer metadata, which is cached on its own).
   */
  deferred?: { jws: ParsedJws; iss: string };
  bits: StatusBits;
  list: Uint8Array;
}

/** The keys a Status List Token may be verified with (src/trust/issuer-keys.ts); a bare DidResolver means DIDs only. */
export type StatusListKeys = IssuerKeyEnvironment | DidResolver;

function keyEnvironment(keys: StatusListKeys): IssuerKeyEnvironment {
  return keys instanceof DidResolver ? { dids: keys, anchors: TrustAnchorStore.empty() } : keys;
}

/**
 * Verifies a deferred token (an https issuer) with the policy's pinned keys
 * for it, else its jwt-vc-issuer metadata. Returns the signer's identifier or
 * the problem.
 */
export async function verifyDeferredStatusList(
  deferred: NonNullable<TokenStatusList['deferred']>,
  keys: StatusListKeys,
  pinned: readonly PinnedIssuer[],
  now: number,
  clockSkewSeconds: number,
): Promise<string | StatusListProblem> {
  const result = await verifyIssuerSignature(
    { jws: deferred.jws, iss: deferred.iss, typ: [STATUS_LIST_JWT_TYP], purpose: 'status-list-signer', pinned, now, clockSkewSeconds },
    keyEnvironment(keys),
  );
  if (result.ok) return result.issuerId;
  if (result.code === 'credential.issuer_untrusted') return unavailableList('signer_unresolvable', `the Status List Token's issuer keys: ${result.detail}`);
  return invalidList('signature_invalid', `the Status List Token's signature: ${result.detail}`);
}

/** JOSE `typ` of a Status List Token in JWT format. */
export const STATUS_LIST_JWT_TYP = 'statuslist+jwt';
/** Media type a Status List Token in JWT format is requested and served as. */
export const STATUS_LIST_JWT_MEDIA_TYPE = 'application/statuslist+jwt';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function invalid(detail: string, reason: StatusProblemReason = 'list_malformed'): StatusListProblem {
  return invalidList(reason, detail);
}

/** `ttl`: seconds, within the date range (src/formats/date-range.ts) so `now + ttl` stays a date. */
function optionalTtl(payload: Record<string, unknown>): number | undefined | Error {
  const value = payload.ttl;
  if (value === undefined) return undefined;
  return saneDuration(value, 'seconds') ? value : new Error('"ttl" must be a number of seconds');
}

/**
 * How a Status List Token (IETF draft-ietf-oauth-status-list, § "Status List
 * Token in JWT Format" and § "Validation Rules") is fetched and read:
 * - `typ` must be `statuslist+jwt`; `sub` must equal the `uri` the
 *   credential names (compared exactly); `iat` is required; `exp`, `nbf` and
 *   `ttl` (seconds, positive) are honoured;
 * - `status_list.bits` is 1, 2, 4 or 8, `status_list.lst` base64url ZLIB,
 *   inflated with the KPARTY_STATUS_MAX_LIST_BYTES cap;
 * - the signer's key comes from the same routes as a credential issuer's
 *   (src/trust/issuer-keys.ts): the DID in `iss` (or of the `kid` DID URL),
 *   with its assertionMethod keys; an `x5c` chain to KPARTY_TRUST_ANCHORS
 *   (purpose `status-list-signer`), checked at reading time; an https `iss`
 *   without `x5c` is verified at check time with the policy's pinned keys
 *   for it, else the issuer's jwt-vc-issuer metadata. A token naming none of
 *   these is `unavailable`. `typ` is enforced; a MAC (`HS*`) or `none` never
 *   verifies.
 */
export function statusListTokenFormat(
  keys: StatusListKeys,
  maxListBytes: number,
  clock: { now(): number; clockSkewSeconds: number } = { now: () => Date.now(), clockSkewSeconds: 60 },
  cwt?: StatusListCwtTrust,
): StatusListFormat<TokenStatusList> {
  const env = keyEnvironment(keys);
  return {
    name: 'StatusListToken',
    // With trust anchors, the CWT form too (status-list-cwt.ts): mdoc MSO `status` references point at CWTs.
    accept: cwt ? [STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_CWT_MEDIA_TYPE] : [STATUS_LIST_JWT_MEDIA_TYPE],
    decodeBody: statusListBodyText,
    async read(body, uri, budget): Promise<ReadStatusList<TokenStatusList> | StatusListProblem> {
      if (body.startsWith(CWT_BODY_PREFIX))
        return readStatusListCwt(new Uint8Array(Buffer.from(body.slice(CWT_BODY_PREFIX.length), 'base64url')), uri, cwt, maxListBytes, budget);
      const decoded = decodeJwt(body.trim());
      if (!decoded.ok) return invalid(`the Status List Token is not a valid JWT: ${decoded.detail}`);
      const { payload, jws } = decoded;
      const typ = jws.typ?.toLowerCase().replace(/^application\//, '');
      if (typ !== STATUS_LIST_JWT_TYP) return invalid(`the Status List Token's "typ" must be "${STATUS_LIST_JWT_TYP}"`);
      if (payload.sub !== uri) return invalid('the Status List Token\'s "sub" is not the status list URI the credential names', 'subject_mismatch');
      const iat = saneNumericDate(payload, 'iat');
      if (iat === undefined) return invalid('the Status List Token has no "iat"');
      const exp = saneNumericDate(payload, 'exp');
      const nbf = saneNumericDate(payload, 'nbf');
      const ttl = optionalTtl(payload);
      for (const value of [iat, exp, nbf, ttl]) if (value instanceof Error) return invalid(`the Status List Token's ${value.message}`);
      if (typeof ttl === 'number' && ttl <= 0) return invalid('the Status List Token\'s "ttl" must be positive');
      const statusList = payload.status_list;
      if (!isObject(statusList) || !isStatusBits(statusList.bits) || typeof statusList.lst !== 'string' || !BASE64URL.test(statusList.lst)) {
        return invalid('the Status List Token\'s "status_list" must hold "bits" (1, 2, 4 or 8) and a base64url "lst"');
      }

      let verified: Pick<TokenStatusList, 'issuer' | 'deferred'>;
      const header = decodeJwt(body.trim());
      const hasX5c = header.ok && header.header.x5c !== undefined;
      if (typeof payload.iss === 'string' && !isDid(payload.iss) && /^https?:\/\//i.test(payload.iss) && !hasX5c) {
        verified = { deferred: { jws, iss: payload.iss } };
      } else if (hasX5c && (payload.iss === undefined || (typeof payload.iss === 'string' && !isDid(payload.iss)))) {
        const result = await verifyIssuerSignature(
          {
            jws,
            iss: payload.iss as string | undefined,
            typ: [STATUS_LIST_JWT_TYP],
            purpose: 'status-list-signer',
            pinned: [],
            now: clock.now(),
            clockSkewSeconds: clock.clockSkewSeconds,
          },
          env,
        );
        if (!result.ok) return invalid(`the Status List Token's certificate chain or signature: ${result.detail}`, 'signature_invalid');
        verified = { issuer: result.issuerId };
      } else {
        const signer = signerOf(payload.iss, jws.kid);
        if (typeof signer !== 'string') return signer;
        const signature = await verifyStatusListSignature(jws, signer, env.dids, [STATUS_LIST_JWT_TYP], budget);
        if (signature) return signature;
        verified = { issuer: signer };
      }

      const inflated = await inflateCapped(Buffer.from(statusList.lst, 'base64url'), 'zlib', maxListBytes, budget);
      if (!inflated.ok && inflated.reason === 'over_budget') return unavailableList('over_budget', budgetRefusalDetail(inflated.refusal!));
      if (!inflated.ok) {
        return inflated.reason === 'too_large'
          ? invalid(`the status list inflates to more than ${maxListBytes} bytes (KPARTY_STATUS_MAX_LIST_BYTES)`, 'list_too_large')
          : invalid('the Status List Token\'s "lst" is not valid ZLIB data');
      }
      return {
        list: { ...verified, bits: statusList.bits, list: inflated.bytes },
        size: inflated.bytes.length,
        ...(typeof ttl === 'number' ? { ttlMs: ttl * 1000 } : {}),
        ...(typeof nbf === 'number' ? { notBefore: nbf } : {}),
        ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
      };
    },
  };
}

/** The DID whose keys must verify the token: `iss`, or the DID of the `kid` DID URL. */
function signerOf(iss: unknown, kid: string | undefined): string | StatusListProblem {
  if (iss !== undefined) {
    if (typeof iss !== 'string') return invalid('the Status List Token\'s "iss" must be a string');
    if (!isDid(iss))
      return unavailableList('securing_unsupported', `the Status List Token's issuer ${shown(iss)} is neither a DID, an https URL nor named by an x5c chain`);
    return iss;
  }
  const did = kid !== undefined ? splitDidUrl(kid)?.did : undefined;
  if (did === undefined)
    return unavailableList('securing_unsupported', 'the Status List Token names no DID (no "iss", no DID URL "kid"), so kparty cannot find its key');
  return did;
}
