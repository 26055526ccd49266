/** Checks on the issuer URL an application configures, and on the URLs kparty's metadata names. */

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The configured issuer must be exactly kparty's `KPARTY_ISSUER`: an absolute
 * http(s) URL without query, fragment, credentials or trailing slash. Plain
 * http is accepted only for a loopback host unless `allowHttp` says otherwise
 * (keys fetched over plain http on a network can be swapped by anyone on the path).
 */
export function requireIssuerUrl(issuer: string, allowHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new TypeError(`kparty guard: issuer must be an absolute URL, got ${JSON.stringify(issuer)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`kparty guard: issuer must be an http(s) URL, got ${JSON.stringify(issuer)}`);
  }
  if (url.search || url.hash || url.username || url.password || issuer.endsWith('/') || issuer.includes('?') || issuer.includes('#')) {
    throw new TypeError(
      `kparty guard: issuer must have no query, fragment, credentials or trailing slash (it is compared to "iss" exactly), got ${JSON.stringify(issuer)}`,
    );
  }
  if (url.protocol === 'http:' && !allowHttp && !LOOPBACK_HOST.test(url.hostname)) {
    throw new TypeError(
      `kparty guard: issuer ${JSON.stringify(issuer)} is plain http on a non-loopback host; use https, or set allowHttp: true for a trusted private network`,
    );
  }
  return issuer;
}

/** An endpoint named by the metadata: absolute http(s), and https whenever the issuer is https. */
export function isAcceptableEndpoint(value: unknown, issuer: string): value is string {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && issuer.startsWith('http:');
}
