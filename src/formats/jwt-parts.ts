import type { ParsedJws } from '../core/model/presentation.js';
import { isSaneDateSeconds, saneNumericDate } from './date-range.js';

/** Largest single JWS accepted inside a presentation; the request body is capped at 1 MiB anyway. */
export const MAX_JWS_LENGTH = 512 * 1024;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

export type DecodedJwt = { ok: true; header: Record<string, unknown>; payload: Record<string, unknown>; jws: ParsedJws } | { ok: false; detail: string };

function decodeJsonObject(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Splits a compact JWS whose payload is a JSON object (a JWT) WITHOUT verifying
 * it: what it returns is only what the token claims, for choosing the format,
 * the issuer and the key. The signature is verified later against the key
 * found from the issuer, never from anything in this header.
 */
export function decodeJwt(compact: unknown): DecodedJwt {
  if (typeof compact !== 'string') return { ok: false, detail: 'expected a compact JWS string' };
  if (compact.length > MAX_JWS_LENGTH) return { ok: false, detail: `JWS longer than ${MAX_JWS_LENGTH} characters` };
  if (!COMPACT_JWS.test(compact)) return { ok: false, detail: 'not a compact JWS (three base64url parts)' };
  const [headerPart = '', payloadPart = ''] = compact.split('.');
  const header = decodeJsonObject(headerPart);
  if (!header) return { ok: false, detail: 'the JWS header is not a JSON object' };
  const payload = decodeJsonObject(payloadPart);
  if (!payload) return { ok: false, detail: 'the JWS payload is not a JSON object' };
  if (typeof header.alg !== 'string') return { ok: false, detail: 'the JWS header has no "alg"' };
  if (header.kid !== undefined && typeof header.kid !== 'string') return { ok: false, detail: '"kid" must be a string' };
  if (header.typ !== undefined && typeof header.typ !== 'string') return { ok: false, detail: '"typ" must be a string' };
  const crit = header.crit;
  if (crit !== undefined && (!Array.isArray(crit) || !crit.every((c) => typeof c === 'string'))) {
    return { ok: false, detail: '"crit" must be an array of strings' };
  }
  return {
    ok: true,
    header,
    payload,
    jws: {
      compact,
      alg: header.alg,
      ...(typeof header.kid === 'string' ? { kid: header.kid } : {}),
      ...(typeof header.typ === 'string' ? { typ: header.typ } : {}),
      ...(Array.isArray(crit) ? { crit: crit as string[] } : {}),
    },
  };
}

/** The presentation a handler's `recognises` decoded last, for its `parse` to reuse. */
let recognised: { compact: string; decoded: DecodedJwt } | undefined;

/**
 * {@link decodeJwt} for a format handler's `recognises`. The registry asks
 * each handler whether it recognises the input and then has one parse it;
 * remembering the last decoding (one entry) lets every handler's check and
 * the parse share one base64url and JSON decoding of the presentation.
 * Callers only read what it returns.
 */
export function decodeJwtToRecognise(compact: unknown): DecodedJwt {
  if (recognised !== undefined && recognised.compact === compact) return recognised.decoded;
  const decoded = decodeJwt(compact);
  recognised = typeof compact === 'string' ? { compact, decoded } : undefined;
  return decoded;
}

/**
 * {@link decodeJwt} for a format handler's `parse`: takes what `recognises`
 * just decoded for this very input (once: the entry is then forgotten, so no
 * two parses ever share decoded objects), else decodes.
 */
export function decodeJwtToParse(compact: unknown): DecodedJwt {
  const last = recognised;
  recognised = undefined;
  return last !== undefined && last.compact === compact ? last.decoded : decodeJwt(compact);
}

/** NumericDate claim (RFC 7519 §2) or undefined; a present but non-numeric value is an error. */
export function numericDate(payload: Record<string, unknown>, name: string): number | undefined | Error {
  // Range-checked too (src/formats/date-range.ts): -1e13 or 9e15 used to reach Date arithmetic and answer 500.
  return saneNumericDate(payload, name);
}

/** An XML Schema dateTime (VC data model) as seconds since the epoch, or an Error. */
export function dateTimeSeconds(value: unknown, name: string): number | undefined | Error {
  if (value === undefined) return undefined;
  // VC-DM: dateTimeStamp with a time zone; Date.parse alone accepts far too much.
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    return new Error(`"${name}" must be an XML Schema dateTime with a time zone`);
  }
  const ms = Date.parse(value);
  // Date.parse rolls 2020-02-30 over to March 1st: a day the calendar lacks is not a date.
  if (Number.isNaN(ms) || !isCalendarDate(value)) return new Error(`"${name}" is not a valid date`);
  const seconds = Math.floor(ms / 1000);
  return isSaneDateSeconds(seconds) ? seconds : new Error(`"${name}" is outside the dates kparty accepts (years 1970 to 9999)`);
}

/** Whether the date and time fields of a dateTime exist (month 1–12, a day the month has, 23:59:59 at most). */
function isCalendarDate(value: string): boolean {
  const [year, month, day, hour, minute, second] = [0, 5, 8, 11, 14, 17].map((at, i) => Number(value.slice(at, at + (i === 0 ? 4 : 2))));
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour! <= 23 && minute! <= 59 && second! <= 59;
}

/** `aud` as a list. */
export function audienceList(value: unknown): string[] | Error {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return new Error('"aud" must be a string or an array of strings');
}

/** A W3C `issuer`/`holder` value: a URL string or an object with an `id`. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return undefined;
}

/** A W3C `type` value as a list of strings, or undefined when malformed. */
export function typeList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
