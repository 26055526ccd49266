/**
 * DID and DID URL syntax, W3C DID Core 1.0 §3.1 and §3.2:
 * https://www.w3.org/TR/did-core/#did-syntax
 *
 * ```abnf
 * did                = "did:" method-name ":" method-specific-id
 * method-name        = 1*method-char
 * method-char        = %x61-7A / DIGIT
 * method-specific-id = *( *idchar ":" ) 1*idchar
 * idchar             = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
 * did-url            = did path-abempty [ "?" query ] [ "#" fragment ]   ; RFC 3986
 * ```
 *
 * DIDs are compared byte-exact and never normalised (no case folding, no
 * percent-decoding): two spellings of "the same" DID are two DIDs, so an
 * attacker cannot make a check pass by choosing an equivalent spelling.
 */

/**
 * Longest DID or DID URL accepted, in characters (8 KiB). A valid DID is
 * ASCII, so characters are bytes. Longer input is refused before any regular
 * expression or decoding runs on it.
 */
export const MAX_DID_LENGTH = 8192;

const IDCHAR = '(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})';
const METHOD_SPECIFIC_ID = `(?:${IDCHAR}|:)*${IDCHAR}`;
/** RFC 3986 pchar: unreserved / pct-encoded / sub-delims / ":" / "@". */
const PCHAR = "(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})";
const QUERY_OR_FRAGMENT = `(?:${PCHAR}|[/?])*`;

const DID_PATTERN = new RegExp(`^did:([a-z0-9]+):(${METHOD_SPECIFIC_ID})$`);
const DID_URL_PATTERN = new RegExp(`^(did:[a-z0-9]+:${METHOD_SPECIFIC_ID})((?:/${PCHAR}*)*)(?:\\?(${QUERY_OR_FRAGMENT}))?(?:#(${QUERY_OR_FRAGMENT}))?$`);

export interface ParsedDid {
  /** The method name, e.g. `key`, `jwk`, `web`. */
  method: string;
  /** Everything after `did:<method>:`, exactly as written. */
  methodSpecificId: string;
}

/**
 * Parses a bare DID. A DID URL (with a path, query or fragment) is not a DID
 * and gives `null`, as does anything longer than {@link MAX_DID_LENGTH}.
 */
export function parseDid(did: string): ParsedDid | null {
  if (typeof did !== 'string' || did.length > MAX_DID_LENGTH) return null;
  const match = DID_PATTERN.exec(did);
  if (!match) return null;
  return { method: match[1] as string, methodSpecificId: match[2] as string };
}

/** Whether `did` is a syntactically valid bare DID. */
export function isDid(did: string): boolean {
  return parseDid(did) !== null;
}

export interface DidUrlParts {
  /** The DID the URL is relative to. */
  did: string;
  /** `path-abempty`, with its leading `/`; absent when empty. */
  path?: string;
  /** After `?`, without it; present (possibly empty) whenever `?` is. */
  query?: string;
  /** After `#`, without it; present (possibly empty) whenever `#` is. */
  fragment?: string;
}

/**
 * Splits a DID URL (DID Core §3.2) into its DID and the rest. A bare DID is a
 * DID URL too and gives `{ did }`. Components are returned as written (not
 * percent-decoded). Invalid syntax or more than {@link MAX_DID_LENGTH}
 * characters gives `null`.
 */
export function splitDidUrl(didUrl: string): DidUrlParts | null {
  if (typeof didUrl !== 'string' || didUrl.length > MAX_DID_LENGTH) return null;
  const match = DID_URL_PATTERN.exec(didUrl);
  if (!match) return null;
  const [, did, path, query, fragment] = match;
  const parts: DidUrlParts = { did: did as string };
  if (path) parts.path = path;
  if (query !== undefined) parts.query = query;
  if (fragment !== undefined) parts.fragment = fragment;
  return parts;
}
