import type { Clock } from '../../core/clock.js';
import type { ChainValidator } from '../../formats/mdoc/chain-validator.js';
import { scanCbor, type CborLimits } from '../../formats/mdoc/cbor-scan.js';
import { decodeCbor, isBytes, isMap } from '../../formats/mdoc/cbor.js';
import { parseCoseSign1, verifyCoseSign1, x5chain } from '../../formats/mdoc/cose.js';
import { budgetRefusalDetail, type RequestBudget } from '../../net/request-budget.js';
import { inflateCapped } from '../inflate-capped.js';
import type { ReadStatusList } from '../status-list-source.js';
import { invalidList, shown, unavailableList, type StatusListProblem, type StatusProblemReason } from '../status-outcome.js';
import { isStatusBits } from './status-list-bits.js';
import type { TokenStatusList } from './status-list-token.js';

/** Media type a Status List Token in CWT format is requested and served as. */
export const STATUS_LIST_CWT_MEDIA_TYPE = 'application/statuslist+cwt';

/** CWT claim keys (RFC 8392 §3.1.2 `sub` 2, `exp` 4, `nbf` 5, `iat` 6; draft-ietf-oauth-status-list `status_list` 65533, `ttl` 65534). */
const CLAIM = { sub: 2, exp: 4, nbf: 5, iat: 6, statusList: 65533, ttl: 65534 } as const;
/** COSE header `typ` (RFC 9596). */
const COSE_TYP = 16;

/**
 * Caps for a Status List Token's CBOR (before decoding): the compressed list
 * is bounded by the fetch size (KPARTY_FETCH_MAX_BYTES) and, once inflated,
 * by KPARTY_STATUS_MAX_LIST_BYTES; the structure itself is small.
 */
export const STATUS_LIST_CWT_LIMITS: CborLimits = { maxBytes: 8 * 1024 * 1024, maxDepth: 8, maxItems: 200 };

export interface StatusListCwtTrust {
  /** Certificate-path validation bound to KPARTY_TRUST_ANCHORS (purpose `status-list-signer`). */
  validateChain: ChainValidator;
  clock: Clock;
  clockSkewSeconds: number;
}

function invalid(detail: string, reason: StatusProblemReason = 'list_malformed'): StatusListProblem {
  return invalidList(reason, detail);
}

/**
 * Reads a Status List Token in CWT format (draft-ietf-oauth-status-list
 * § "Status List Token in CWT Format"): a COSE_Sign1_Tagged (tag 18; the CWT
 * tag 61 is not allowed, a COSE_Mac0 cannot be verified by a third party),
 * pre-scanned against {@link STATUS_LIST_CWT_LIMITS} before decoding;
 * protected `typ` (16) `application/statuslist+cwt`; claims `sub` = the
 * `uri` the credential names, `iat` required, `exp`/`nbf`/`ttl` honoured,
 * `status_list` {bits, lst (ZLIB)} inflated under `maxListBytes`. The
 * signature is verified with the leaf of the `x5chain` header, whose path
 * must end at a trust anchor (purpose `status-list-signer`); the signer is
 * then named by its `x509_hash` identifier. Never throws.
 */
export async function readStatusListCwt(
  bytes: Uint8Array,
  uri: string,
  trust: StatusListCwtTrust | undefined,
  maxListBytes: number,
  /** The request's budget (src/net/request-budget.ts): inflation draws on it. */
  budget?: RequestBudget,
): Promise<ReadStatusList<TokenStatusList> | StatusListProblem> {
  if (bytes[0] === 0xd8 && bytes[1] === 0x3d) return invalid('the Status List Token must not be tagged as a CWT (tag 61)');
  if (bytes[0] === 0xd1) return unavailableList('securing_unsupported', 'the Status List Token is MACed (COSE_Mac0), which only its issuer can verify');
  if (bytes[0] !== 0xd2) return invalid('the Status List Token must be a COSE_Sign1_Tagged (tag 18)');
  const body = bytes.subarray(1);
  const scan = scanCbor(body, STATUS_LIST_CWT_LIMITS);
  if (!scan.ok) return invalid(`the Status List Token: ${scan.detail}`);
  const decoded = decodeCbor(body, STATUS_LIST_CWT_LIMITS);
  if (!decoded.ok) return invalid(`the Status List Token: ${decoded.detail}`);
  const sign1 = parseCoseSign1(decoded.value, (protectedBytes) => decodeCbor(protectedBytes, STATUS_LIST_CWT_LIMITS));
  if (!sign1.ok) return invalid(`the Status List Token: ${sign1.detail}`);
  const typ = sign1.value.protectedHeaders.get(COSE_TYP);
  if (typ !== STATUS_LIST_CWT_MEDIA_TYPE) return invalid(`the Status List Token's protected "typ" (16) must be "${STATUS_LIST_CWT_MEDIA_TYPE}"`);
  if (sign1.value.payload === null) return invalid('the Status List Token has no payload');

  const claims = decodeCbor(sign1.value.payload, STATUS_LIST_CWT_LIMITS);
  if (!claims.ok || !isMap(claims.value)) return invalid("the Status List Token's claims must be a CBOR map");
  const claim = (key: number): unknown => (claims.value as Map<unknown, unknown>).get(key);
  if (claim(CLAIM.sub) !== uri) return invalid('the Status List Token\'s "sub" (2) is not the status list URI the credential names', 'subject_mismatch');
  const iat = claim(CLAIM.iat);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return invalid('the Status List Token has no "iat" (6)');
  const times: Partial<Record<'exp' | 'nbf' | 'ttl', number>> = {};
  for (const name of ['exp', 'nbf', 'ttl'] as const) {
    const value = claim(CLAIM[name]);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(`the Status List Token's "${name}" must be a number`);
    times[name] = value;
  }
  if (times.ttl !== undefined && times.ttl <= 0) return invalid('the Status List Token\'s "ttl" must be positive');
  const statusList = claim(CLAIM.statusList);
  const bits = isMap(statusList) ? statusList.get('bits') : undefined;
  const lst = isMap(statusList) ? statusList.get('lst') : undefined;
  if (!isStatusBits(bits) || !isBytes(lst))
    return invalid('the Status List Token\'s "status_list" (65533) must hold "bits" (1, 2, 4 or 8) and a byte string "lst"');

  if (!trust) return unavailableList('securing_unsupported', 'Status List Tokens in CWT format need trust anchors (KPARTY_TRUST_ANCHORS) for their x5chain');
  const chain = x5chain(sign1.value);
  if (!chain.ok)
    return unavailableList('securing_unsupported', `the Status List Token: ${chain.detail}; kparty verifies CWT status lists by their x5chain only`);
  const path = trust.validateChain(chain.value, { now: trust.clock.now(), clockSkewSeconds: trust.clockSkewSeconds, purpose: 'status-list-signer' });
  if (!path.ok) return invalid(`the Status List Token's certificate: ${shown(path.detail)}`, 'signature_invalid');
  const signature = verifyCoseSign1(sign1.value, path.publicKey);
  if (!signature.ok) return invalid(`the Status List Token's signature: ${signature.detail}`, 'signature_invalid');

  const inflated = await inflateCapped(lst, 'zlib', maxListBytes, budget);
  if (!inflated.ok && inflated.reason === 'over_budget') return unavailableList('over_budget', budgetRefusalDetail(inflated.refusal!));
  if (!inflated.ok) {
    return inflated.reason === 'too_large'
      ? invalid(`the status list inflates to more than ${maxListBytes} bytes (KPARTY_STATUS_MAX_LIST_BYTES)`, 'list_too_large')
      : invalid('the Status List Token\'s "lst" is not valid ZLIB data');
  }
  return {
    list: { issuer: path.issuerId, bits, list: inflated.bytes },
    size: inflated.bytes.length,
    ...(times.ttl !== undefined ? { ttlMs: times.ttl * 1000 } : {}),
    ...(times.nbf !== undefined ? { notBefore: times.nbf } : {}),
    ...(times.exp !== undefined ? { expiresAt: times.exp } : {}),
  };
}

/** Prefix under which a CWT body travels as text through the status-list cache (base64url after it). */
export const CWT_BODY_PREFIX = 'cwt:';

/** A fetched body as cache text: a CWT (first byte 0xd2/0xd1/0xd8) as `cwt:<base64url>`, anything else as UTF-8 (null if it is not). */
export function statusListBodyText(bytes: Uint8Array): string | null {
  const first = bytes[0];
  if (first === 0xd2 || first === 0xd1 || first === 0xd8)
    return CWT_BODY_PREFIX + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
