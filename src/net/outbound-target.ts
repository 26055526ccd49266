import { isIP } from 'node:net';
import { FetchError } from '../core/ports/fetcher.js';

/** Longest URL fetched, in characters; longer ones are refused before parsing. */
export const MAX_URL_LENGTH = 4096;

/** A URL an outbound fetch may be attempted to, before its address is checked. */
export interface OutboundTarget {
  url: URL;
  /** The host to connect to, without IPv6 brackets. */
  host: string;
  port: number;
  /**
   * `host:port` as the URL names it, lower-cased, with the scheme's default
   * port when the URL names none (`https://example.com/` → `example.com:443`):
   * the form of KPARTY_OUTBOUND_ALLOW entries.
   */
  authority: string;
  /** Whether the exact `authority` is in KPARTY_OUTBOUND_ALLOW. */
  allowListed: boolean;
  /** 4 or 6 when the host is an IP literal (checked directly, no DNS), 0 for a name. */
  ipVersion: 0 | 4 | 6;
}

const invalid = (message: string): FetchError => new FetchError('url_invalid', message);

/**
 * Checks what can be checked of a URL without any I/O: absolute, `https:` (or
 * `http:` for an allow-listed host:port only), no user info, at most
 * {@link MAX_URL_LENGTH} characters.
 *
 * The WHATWG URL parser canonicalises hosts, so the numeric IPv4 spellings
 * that `inet_aton` accepts (`2130706433`, `0x7f.1`, `017700000001`,
 * `127.1`) arrive here as `127.0.0.1` and are treated as the IP literals they
 * are; hosts are lower-cased and IDNs converted to punycode.
 *
 * @throws FetchError `url_invalid`
 */
export function outboundTarget(raw: string, allow: ReadonlySet<string>): OutboundTarget {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) throw invalid('the URL is empty or too long');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`scheme ${url.protocol} is not fetched`);
  if (url.username !== '' || url.password !== '') throw invalid('URLs with user info are not fetched');
  if (url.hostname === '') throw invalid('the URL names no host');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (port === 0) throw invalid('port 0 is not fetched');
  const authority = `${url.hostname.toLowerCase()}:${port}`;
  const allowListed = allow.has(authority);
  if (url.protocol === 'http:' && !allowListed) throw invalid('plain http is only fetched from allow-listed host:port');
  const version = isIP(host);
  return { url, host, port, authority, allowListed, ipVersion: version === 4 || version === 6 ? version : 0 };
}
