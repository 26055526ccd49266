/**
 * Every date kparty reads from a credential, a presentation or a status list
 * is a number of seconds since the epoch within one sane range: from the epoch
 * to the last second of year 9999 (the largest year an XML Schema dateTime of
 * the VC data model writes with four digits). A value outside it — negative,
 * 1e300, Infinity, a float past Number.MAX_SAFE_INTEGER / 1000 — can not be a
 * real date; Date arithmetic on it throws or overflows, which used to answer
 * 500 (docs/security.md, "Numeric dates"). Such input is malformed instead.
 */

/** 9999-12-31T23:59:59Z in seconds since the epoch: the latest date kparty accepts anywhere. */
export const MAX_DATE_SECONDS = 253_402_300_799;

/** The earliest date kparty accepts: the epoch. */
export const MIN_DATE_SECONDS = 0;

/** Whether `value` is a number of seconds kparty can reason about as a date. */
export function isSaneDateSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= MIN_DATE_SECONDS && value <= MAX_DATE_SECONDS;
}

/**
 * A NumericDate (RFC 7519 §2) claim `name` of `payload`: undefined when absent,
 * the number when it is a sane date, else an Error saying why (the caller
 * turns it into `presentation.malformed` / `credential.malformed` / an invalid list).
 */
export function saneNumericDate(payload: Record<string, unknown>, name: string): number | undefined | Error {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return new Error(`"${name}" must be a NumericDate`);
  if (!isSaneDateSeconds(value)) return new Error(`"${name}" must be a date between ${MIN_DATE_SECONDS} and ${MAX_DATE_SECONDS} seconds since the epoch`);
  return value;
}

/**
 * A duration in seconds (`ttl` of a Token Status List) or in milliseconds (W3C
 * `ttl`): finite, not negative and at most the whole date range, so adding it
 * to a date never leaves the range a Date can hold.
 */
export function saneDuration(value: unknown, unit: 'seconds' | 'milliseconds'): value is number {
  const max = unit === 'seconds' ? MAX_DATE_SECONDS : MAX_DATE_SECONDS * 1000;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max;
}

/**
 * Where a format states one date twice (a JWT claim and a credential member:
 * `exp`/`expirationDate`, `nbf`/`issuanceDate`, `nbf`/`validFrom`,
 * `exp`/`validUntil`), both must say the same thing. Returns the detail of the
 * first pair whose two dates (seconds) are both present and differ.
 */
export function disagreement(...pairs: Array<[number | undefined | Error, number | undefined | Error, string]>): string | undefined {
  return pairs.find(([a, b]) => typeof a === 'number' && typeof b === 'number' && a !== b)?.[2];
}
