import type { DidResolver } from '../../did/did-resolver.js';
import { isDid, splitDidUrl } from '../../did/did-syntax.js';
import { saneDuration, saneNumericDate } from '../../formats/date-range.js';
import { decodeJwt, isObject } from '../../formats/jwt-parts.js';
import { budgetRefusalDetail } from '../../net/request-budget.js';
import { inflateCapped } from '../inflate-capped.js';
import { verifyStatusListSignature } from '../list-signature.js';
import type { ReadStatusList, StatusListFormat } from '../status-list-source.js';
import { invalidList, shown, unavailableList, type StatusListProblem, type StatusProblemReason } from '../status-outcome.js';
import { isStatusBits, type StatusBits } from './status-list-bits.js';

/** A Status List Token whose signature verified, its list inflated. */
export interface TokenStatusList {
  /** The DID that signed the token. */
  issuer: string;
  bits: StatusBits;
  list: Uint8Array;
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
 * - the signer is the DID in `iss`, or else the DID of the `kid` DID URL —
 *   kparty resolves keys from DIDs only, so a token naming neither (or an
 *   `iss` that is not a DID, as with x5c-based issuers) is `unavailable`.
 *   The signature is checked with that DID's assertionMethod keys, with
 *   `typ` enforced; a MAC (`HS*`) or `none` never verifies.
 */
export function statusListTokenFormat(dids: DidResolver, maxListBytes: number): StatusListFormat<TokenStatusList> {
  return {
    name: 'StatusListToken',
    accept: [STATUS_LIST_JWT_MEDIA_TYPE],
    async read(body, uri, budget): Promise<ReadStatusList<TokenStatusList> | StatusListProblem> {
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

      const signer = signerOf(payload.iss, jws.kid);
      if (typeof signer !== 'string') return signer;
      const signature = await verifyStatusListSignature(jws, signer, dids, [STATUS_LIST_JWT_TYP], budget);
      if (signature) return signature;

      const inflated = await inflateCapped(Buffer.from(statusList.lst, 'base64url'), 'zlib', maxListBytes, budget);
      if (!inflated.ok && inflated.reason === 'over_budget') return unavailableList('over_budget', budgetRefusalDetail(inflated.refusal!));
      if (!inflated.ok) {
        return inflated.reason === 'too_large'
          ? invalid(`the status list inflates to more than ${maxListBytes} bytes (KPARTY_STATUS_MAX_LIST_BYTES)`, 'list_too_large')
          : invalid('the Status List Token\'s "lst" is not valid ZLIB data');
      }
      return {
        list: { issuer: signer, bits: statusList.bits, list: inflated.bytes },
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
    if (!isDid(iss)) return unavailableList('securing_unsupported', `the Status List Token's issuer ${shown(iss)} is not a DID; kparty resolves keys from DIDs only`);
    return iss;
  }
  const did = kid !== undefined ? splitDidUrl(kid)?.did : undefined;
  if (did === undefined) return unavailableList('securing_unsupported', 'the Status List Token names no DID (no "iss", no DID URL "kid"), so kparty cannot find its key');
  return did;
}
