import { budgetRefusalDetail, type RequestBudget } from '../../net/request-budget.js';
import { inflateCapped } from '../inflate-capped.js';
import { invalidList, unavailableList, type StatusListProblem } from '../status-outcome.js';

/**
 * W3C Bitstring Status List v1.0 §2.2 (`encodedList`): the first index is
 * the left-most bit of the bitstring, i.e. the most significant bit of the
 * first byte. An entry of `statusSize` bits starts at `index × statusSize`;
 * its first bit is the most significant bit of the status value.
 * (The IETF Token Status List counts the other way: see token-status-list/.)
 *
 * @returns the status value, or undefined when the entry does not lie wholly
 * inside the bitstring (the spec's RANGE_ERROR).
 */
export function readBitstringStatus(bitstring: Uint8Array, index: number, statusSize: number): number | undefined {
  const start = index * statusSize;
  if (!Number.isSafeInteger(start) || start < 0 || start + statusSize > bitstring.length * 8) return undefined;
  let value = 0;
  for (let bit = start; bit < start + statusSize; bit++) {
    value = value * 2 + (((bitstring[bit >> 3] as number) >> (7 - (bit & 7))) & 1);
  }
  return value;
}

/** Sets the entry at `index` (inverse of {@link readBitstringStatus}); for issuing lists. */
export function writeBitstringStatus(bitstring: Uint8Array, index: number, statusSize: number, value: number): void {
  const start = index * statusSize;
  if (!Number.isSafeInteger(start) || start < 0 || start + statusSize > bitstring.length * 8) {
    throw new RangeError(`index ${index} is outside the bitstring`);
  }
  if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** statusSize) {
    throw new RangeError(`status ${value} does not fit in ${statusSize} bit(s)`);
  }
  for (let offset = 0; offset < statusSize; offset++) {
    const bit = start + offset;
    const mask = 0x80 >> (bit & 7);
    const set = (value >> (statusSize - 1 - offset)) & 1;
    const byte = bitstring[bit >> 3] as number;
    bitstring[bit >> 3] = set ? byte | mask : byte & ~mask;
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The Bitstring Expansion Algorithm (W3C §3.4): base64url without padding,
 * then GZIP, with the inflated size capped (KPARTY_STATUS_MAX_LIST_BYTES).
 * `multibase: true` (BitstringStatusList) requires the multibase `u` prefix
 * the spec mandates; StatusList2021 lists carry none.
 */
export async function expandEncodedList(
  encodedList: string,
  options: { multibase: boolean; maxBytes: number; budget?: RequestBudget },
): Promise<Uint8Array | StatusListProblem> {
  let base64url = encodedList;
  if (options.multibase) {
    if (!encodedList.startsWith('u')) {
      return invalidList('list_malformed', '"encodedList" must be multibase base64url (start with "u")');
    }
    base64url = encodedList.slice(1);
  }
  if (base64url.length === 0 || !BASE64URL.test(base64url)) {
    return invalidList('list_malformed', '"encodedList" is not base64url without padding');
  }
  const inflated = await inflateCapped(Buffer.from(base64url, 'base64url'), 'gzip', options.maxBytes, options.budget);
  if (!inflated.ok && inflated.reason === 'over_budget') return unavailableList('over_budget', budgetRefusalDetail(inflated.refusal!));
  if (!inflated.ok) {
    return inflated.reason === 'too_large'
      ? invalidList('list_too_large', `the status list inflates to more than ${options.maxBytes} bytes (KPARTY_STATUS_MAX_LIST_BYTES)`)
      : invalidList('list_malformed', '"encodedList" is not valid GZIP data');
  }
  return inflated.bytes;
}
