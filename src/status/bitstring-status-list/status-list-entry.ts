import { isObject } from '../../formats/jwt-parts.js';

/**
 * A W3C status entry (`credentialStatus` member) of type
 * `BitstringStatusListEntry` (W3C Bitstring Status List v1.0 §2.1) or
 * `StatusList2021Entry` (W3C CCG Status List 2021, its predecessor, which has
 * neither `statusSize` nor `statusMessage`), validated.
 */
export interface W3cStatusEntry {
  purpose: string;
  /** `statusListIndex`; null when it has more digits than any list kparty would accept could hold. */
  index: number | null;
  /** `statusListCredential`: an http(s) URL. */
  listUrl: string;
  /** `statusSize`, default 1. */
  size: number;
  /** `statusMessage` by status value, when given. */
  messages?: Map<number, string>;
}

export type EntryReading = W3cStatusEntry | { malformed: string } | { unsupported: string };

/** Largest `statusSize` kparty reads: 8 bits (256 statuses, so at most 256 `statusMessage` entries). */
export const MAX_STATUS_SIZE = 8;
/** Longest `statusListCredential` URL accepted. */
export const MAX_LIST_URL_LENGTH = 2048;

const INDEX = /^[0-9]+$/;
const HEX_STATUS = /^0x[0-9a-fA-F]{1,2}$/;

/** Whether `value` is an absolute http(s) URL kparty may try to fetch (the Fetcher applies the network rules). */
export function isFetchableUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_LIST_URL_LENGTH) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Reads a `BitstringStatusListEntry` (with `statusSize`/`statusMessage`) or a `StatusList2021Entry` (without). */
export function readW3cStatusEntry(entry: unknown, options: { sizedEntries: boolean }): EntryReading {
  if (!isObject(entry)) return { malformed: 'a status entry must be an object' };
  const { statusPurpose, statusListIndex, statusListCredential } = entry;
  if (typeof statusPurpose !== 'string' || statusPurpose === '' || statusPurpose.length > 100) {
    return { malformed: '"statusPurpose" must be a non-empty string' };
  }
  if (typeof statusListIndex !== 'string' || !INDEX.test(statusListIndex)) {
    return { malformed: '"statusListIndex" must be a base-10 integer written as a string' };
  }
  if (!isFetchableUrl(statusListCredential)) {
    return { malformed: '"statusListCredential" must be an http(s) URL' };
  }
  // 16 digits already exceed any list under the inflation cap; larger indexes are out of range, not malformed.
  const index = statusListIndex.length <= 16 ? Number(statusListIndex) : null;
  const reading: W3cStatusEntry = {
    purpose: statusPurpose,
    index: index !== null && Number.isSafeInteger(index) ? index : null,
    listUrl: statusListCredential,
    size: 1,
  };
  if (!options.sizedEntries) return reading;

  const { statusSize, statusMessage } = entry;
  if (statusSize !== undefined) {
    if (typeof statusSize !== 'number' || !Number.isSafeInteger(statusSize) || statusSize < 1) {
      return { malformed: '"statusSize" must be an integer greater than zero' };
    }
    if (statusSize > MAX_STATUS_SIZE) return { unsupported: `kparty reads status entries of at most ${MAX_STATUS_SIZE} bits, not ${statusSize}` };
    reading.size = statusSize;
  }
  if (statusMessage === undefined) {
    if (reading.size > 1) return { malformed: '"statusMessage" must be present when "statusSize" is greater than 1' };
    return reading;
  }
  const messages = readStatusMessages(statusMessage, reading.size);
  if (typeof messages === 'string') return { malformed: messages };
  reading.messages = messages;
  return reading;
}

/** `statusMessage` (W3C §2.1): exactly one `{status: "0x…", message}` per possible value. */
function readStatusMessages(value: unknown, size: number): Map<number, string> | string {
  const expected = 2 ** size;
  if (!Array.isArray(value) || value.length !== expected) {
    return `"statusMessage" must be an array of ${expected} entries (2^statusSize)`;
  }
  const messages = new Map<number, string>();
  for (const item of value) {
    if (!isObject(item) || typeof item.status !== 'string' || !HEX_STATUS.test(item.status) || typeof item.message !== 'string') {
      return '"statusMessage" entries must have a "status" (hexadecimal, 0x-prefixed) and a "message" string';
    }
    const status = Number.parseInt(item.status.slice(2), 16);
    if (status >= expected || messages.has(status)) return `"statusMessage" must list each status 0x0…0x${(expected - 1).toString(16)} once`;
    messages.set(status, item.message.slice(0, 200));
  }
  return messages;
}
