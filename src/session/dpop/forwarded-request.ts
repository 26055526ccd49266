import { BlockList, isIP } from 'node:net';
import type { DpopRequest } from '../../guard/dpop.js';

/** The headers a gateway's forward-auth call carries (Traefik's names; docs/sessions.md gives nginx's lines). */
export interface ForwardedHeaders {
  'x-forwarded-method'?: string | string[];
  'x-forwarded-proto'?: string | string[];
  'x-forwarded-host'?: string | string[];
  'x-forwarded-uri'?: string | string[];
  host?: string | string[];
}

/** Longest forwarded URI accepted (the rest of a request line is not needed to check a proof). */
export const MAX_FORWARDED_URI_LENGTH = 8192;

const METHOD = /^[A-Z]{1,16}$/;
const PROTO = /^https?$/i;
/** A host[:port] as RFC 3986 allows it (reg-name, IPv4, [IPv6]), no user info, nothing else. */
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

function one(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

/** Whether `address` is in the KPARTY_TRUST_PROXY list (addresses and CIDR ranges). */
export function trustedProxyMatcher(trustProxy: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const entry of trustProxy) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (address) => {
    if (address === undefined || trustProxy.length === 0) return false;
    const bare = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(bare);
    return family !== 0 && list.check(bare, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The request a gateway is asking about, rebuilt from `X-Forwarded-Method`,
 * `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-Uri` — only when
 * the caller is a trusted proxy (KPARTY_TRUST_PROXY): from anyone else these
 * headers are the client's word and are not used. Undefined when they are
 * untrusted, missing, repeated or malformed.
 */
export function forwardedRequest(headers: ForwardedHeaders, trusted: boolean): DpopRequest | undefined {
  if (!trusted) return undefined;
  const method = one(headers['x-forwarded-method']);
  const proto = one(headers['x-forwarded-proto']);
  const host = one(headers['x-forwarded-host']);
  const uri = one(headers['x-forwarded-uri']);
  if (method === undefined || proto === undefined || host === undefined || uri === undefined) return undefined;
  if (!METHOD.test(method) || !PROTO.test(proto) || !HOST.test(host) || !uri.startsWith('/') || uri.startsWith('//') || uri.length > MAX_FORWARDED_URI_LENGTH) {
    return undefined;
  }
  return { method, url: `${proto.toLowerCase()}://${host}${uri}` };
}

/**
 * Envoy ext_authz (HTTP service) keeps the client's method and appends its path
 * to the check URL (`/v1/auth/check/envoy` + path); scheme and host come from
 * `X-Forwarded-Proto` and `Host`, trusted only from a trusted proxy.
 */
export function envoyRequest(
  method: string,
  checkUrl: string,
  headers: ForwardedHeaders,
  trusted: boolean,
  prefix = '/v1/auth/check/envoy',
): DpopRequest | undefined {
  if (!trusted || !checkUrl.startsWith(prefix)) return undefined;
  const proto = one(headers['x-forwarded-proto']);
  const host = one(headers.host);
  const rest = checkUrl.slice(prefix.length);
  const path = rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
  if (
    proto === undefined ||
    host === undefined ||
    !PROTO.test(proto) ||
    !HOST.test(host) ||
    !METHOD.test(method) ||
    !path.startsWith('/') ||
    path.length > MAX_FORWARDED_URI_LENGTH
  ) {
    return undefined;
  }
  return { method, url: `${proto.toLowerCase()}://${host}${path}` };
}
