import { decodeJwt, type DecodedJwt } from '../jwt-parts.js';

/** Longest SD-JWT presentation accepted (the HTTP body is capped at 1 MiB anyway). KPARTY_* not needed: below the body limit. */
export const MAX_SD_JWT_LENGTH = 512 * 1024;
/** Most disclosures one SD-JWT may carry. */
export const MAX_DISCLOSURES = 256;
/** Longest single disclosure (base64url). */
export const MAX_DISCLOSURE_LENGTH = 64 * 1024;

/** An SD-JWT as presented (RFC 9901 §4): issuer-signed JWT, disclosures, optional KB-JWT. Nothing verified. */
export interface SdJwtParts {
  /** The issuer-signed JWT, decoded (not verified). */
  issuerJwt: Extract<DecodedJwt, { ok: true }>;
  /** The disclosures exactly as presented (base64url). */
  disclosures: string[];
  /** The KB-JWT compact serialization; `undefined` when the presentation ends with `~`. */
  kbJwt: string | undefined;
  /** Everything up to and including the last `~`: the input of the KB-JWT's `sd_hash` (RFC 9901 §4.3.1). */
  sdHashInput: string;
}

export type SdJwtParse = { ok: true; parts: SdJwtParts } | { ok: false; code: 'presentation.malformed' | 'sdjwt.disclosure_invalid'; detail: string };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/** Whether `input` has the shape of an SD-JWT (cheap, for recognising the format). */
export function looksLikeSdJwt(input: unknown): input is string {
  if (typeof input !== 'string' || input.length > MAX_SD_JWT_LENGTH) return false;
  const tilde = input.indexOf('~');
  return tilde > 0 && COMPACT_JWS.test(input.slice(0, tilde));
}

/**
 * Splits `<issuer-signed JWT>~<disclosure>~…~<KB-JWT>` (RFC 9901 §4) with its
 * size and count caps checked before anything is decoded. Disclosures are
 * only checked for base64url shape here; their content is checked with their
 * digests (disclosures.ts).
 */
export function parseSdJwt(input: unknown): SdJwtParse {
  if (typeof input !== 'string') return { ok: false, code: 'presentation.malformed', detail: 'an SD-JWT must be a string' };
  if (input.length > MAX_SD_JWT_LENGTH)
    return { ok: false, code: 'presentation.malformed', detail: `the SD-JWT is longer than ${MAX_SD_JWT_LENGTH} characters` };
  const segments = input.split('~');
  if (segments.length < 2) return { ok: false, code: 'presentation.malformed', detail: 'not an SD-JWT: no "~" separator' };
  if (segments.length - 2 > MAX_DISCLOSURES) return { ok: false, code: 'presentation.malformed', detail: `more than ${MAX_DISCLOSURES} disclosures` };
  const issuerJwt = decodeJwt(segments[0]);
  if (!issuerJwt.ok) return { ok: false, code: 'presentation.malformed', detail: `the issuer-signed JWT: ${issuerJwt.detail}` };
  const last = segments[segments.length - 1] as string;
  const disclosures = segments.slice(1, -1);
  for (const [index, disclosure] of disclosures.entries()) {
    if (disclosure.length === 0) return { ok: false, code: 'sdjwt.disclosure_invalid', detail: `disclosure ${index} is empty` };
    if (disclosure.length > MAX_DISCLOSURE_LENGTH)
      return { ok: false, code: 'sdjwt.disclosure_invalid', detail: `disclosure ${index} is longer than ${MAX_DISCLOSURE_LENGTH} characters` };
    if (!BASE64URL.test(disclosure)) return { ok: false, code: 'sdjwt.disclosure_invalid', detail: `disclosure ${index} is not base64url` };
  }
  if (last !== '' && !COMPACT_JWS.test(last)) {
    return { ok: false, code: 'presentation.malformed', detail: 'the part after the last "~" is neither empty nor a KB-JWT' };
  }
  return {
    ok: true,
    parts: {
      issuerJwt,
      disclosures,
      kbJwt: last === '' ? undefined : last,
      sdHashInput: input.slice(0, input.length - last.length),
    },
  };
}
