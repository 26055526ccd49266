import { DidResolutionError } from '../did-method-resolver.js';
import { parseDid } from '../did-syntax.js';

/** Longest host name (RFC 1035 §2.3.4). */
const MAX_HOST_LENGTH = 253;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const DOTTED_QUAD = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** A last label the WHATWG URL parser would read as (part of) an IPv4 number: `2130706433`, `0x7f`, `1`. */
const NUMERIC_LABEL = /^(?:\d+|0[xX][0-9A-Fa-f]*)$/;
const PORT = /^[1-9]\d{0,4}$/;
const PORT_SEPARATOR = /%3[Aa]/;
const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;

export interface DidWebLocation {
  /** Where the DID document is: `https://<host>[:<port>]/<path or .well-known>/did.json`. */
  url: string;
  /** `host:port` (443 when the DID names no port), lower-cased: the KPARTY_OUTBOUND_ALLOW key. */
  authority: string;
}

const refuse = (detail: string): DidResolutionError => new DidResolutionError(`invalid did:web: ${detail}`);

/**
 * Where a did:web DID's document lives, per the did:web method
 * (https://w3c-ccg.github.io/did-method-web/#read-resolve):
 *
 * - `did:web:example.com` → `https://example.com/.well-known/did.json`
 * - `did:web:example.com:user:alice` → `https://example.com/user/alice/did.json`
 * - `did:web:example.com%3A8443` → `https://example.com:8443/.well-known/did.json`
 *
 * Parsed strictly, before any I/O; refused (`did.unresolvable`):
 * - a host that is not LDH labels (`[A-Za-z0-9-]`, at most 63 each, 253 in
 *   all), or that ends in a numeric label the URL parser would turn into an
 *   IPv4 address (`2130706433`, `0x7f.1`);
 * - an IP address as host (the method forbids them), except a dotted-quad
 *   IPv4 whose `host:port` is allow-listed, for local test issuers;
 * - any percent-encoding but one `%3A` (either case, RFC 3986 §2.1)
 *   followed by a port 1–65535 without leading zeros;
 * - empty path segments, dot segments (`.`, `..`), any `%` in the path.
 *
 * An allow-listed `host:port` (KPARTY_OUTBOUND_ALLOW) is fetched over plain
 * http; every other over https. The DID is never normalised: its case and
 * spelling are kept, only the URL is derived from it.
 *
 * @throws DidResolutionError
 */
export function didWebLocation(did: string, allow: ReadonlySet<string>): DidWebLocation {
  const parsed = parseDid(did);
  if (!parsed || parsed.method !== 'web') throw new DidResolutionError('not a did:web');
  const [hostAndPort, ...segments] = parsed.methodSpecificId.split(':') as [string, ...string[]];

  const [host, port, ...extra] = hostAndPort.split(PORT_SEPARATOR) as [string, string | undefined, ...string[]];
  if (extra.length > 0) throw refuse('more than one port separator');
  if (host.includes('%')) throw refuse('percent-encoding in the host');
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) throw refuse('the port is not a number from 1 to 65535');
  const isAddress = DOTTED_QUAD.test(host);
  if (!isAddress) checkHostName(host);
  const authority = `${host.toLowerCase()}:${port ?? '443'}`;
  const allowListed = allow.has(authority);
  if (isAddress && !allowListed) throw refuse('the host is an IP address');

  for (const segment of segments) {
    if (!PATH_SEGMENT.test(segment)) throw refuse('a path segment is empty or percent-encoded');
    if (/^\.+$/.test(segment)) throw refuse('a path segment is a dot segment');
  }
  const path = segments.length > 0 ? segments.join('/') : '.well-known';
  const scheme = allowListed ? 'http' : 'https';
  return { url: `${scheme}://${host}${port === undefined ? '' : `:${port}`}/${path}/did.json`, authority };
}

function checkHostName(host: string): void {
  if (host.length === 0 || host.length > MAX_HOST_LENGTH) throw refuse('the host is empty or too long');
  const labels = host.split('.');
  if (!labels.every((label) => LABEL.test(label))) throw refuse('the host is not a DNS name');
  if (NUMERIC_LABEL.test(labels[labels.length - 1] as string)) throw refuse('the host is a numeric address');
}
