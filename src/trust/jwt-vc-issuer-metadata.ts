import type { Fetcher, FetchResponse } from '../core/ports/fetcher.js';
import { freshnessLifetime } from '../did/cache-control.js';
import type { DidDocument } from '../did/did-document.js';
import type { DidDocumentCache } from '../did/did-document-cache.js';
import { DidResolutionError } from '../did/did-method-resolver.js';
import { describeFetchFailure } from '../net/fetch-failure-detail.js';

/** Media types the metadata and a `jwks_uri` document may be served as. */
export const ISSUER_METADATA_MEDIA_TYPES = ['application/json'];
export const JWKS_MEDIA_TYPES = ['application/json', 'application/jwk-set+json'];
/** Most keys a fetched JWK set may list. */
export const MAX_ISSUER_JWKS_KEYS = 100;
/** Longest `iss` URL looked up. */
export const MAX_ISSUER_URL_LENGTH = 2048;

/** The keys an https issuer publishes (SD-JWT VC, "JWT VC Issuer Metadata"). */
export interface IssuerJwks {
  issuer: string;
  keys: unknown[];
}

/**
 * Where the JWT VC Issuer Metadata of `iss` lives (draft-ietf-oauth-sd-jwt-vc,
 * "JWT VC Issuer Metadata"): `/.well-known/jwt-vc-issuer` inserted between the
 * host and the path of `iss`, a terminating `/` removed first. `iss` must be an
 * https URL without query, fragment or credentials; http only for a
 * `host:port` in KPARTY_OUTBOUND_ALLOW (as for did:web). `null` when `iss` is
 * not such a URL.
 */
export function jwtVcIssuerMetadataUrl(iss: string, allow: ReadonlySet<string>): string | null {
  if (typeof iss !== 'string' || iss.length > MAX_ISSUER_URL_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(iss);
  } catch {
    return null;
  }
  if (url.search || url.hash || url.username || url.password || iss.includes('#') || iss.includes('?')) return null;
  const authority = `${url.hostname.toLowerCase()}:${url.port || (url.protocol === 'http:' ? '80' : '443')}`;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allow.has(authority))) return null;
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.protocol}//${url.host}/.well-known/jwt-vc-issuer${path}`;
}

/**
 * Fetches and caches https issuers' public keys through the guarded Fetcher
 * (address rules, time and size caps), with the same caching rules as DID
 * documents (src/did/did-document-cache.ts: Cache-Control clamped to the
 * KPARTY_DID_CACHE_* bounds, single flight, negative caching, stale-if-error).
 *
 * Refused (the detail says why; never an address): a redirect to another
 * host, metadata whose `issuer` is not `iss` byte for byte, both or neither
 * of `jwks` and `jwks_uri`, a `jwks_uri` that is not https (or allow-listed
 * http), more than {@link MAX_ISSUER_JWKS_KEYS} keys.
 */
export class JwtVcIssuerMetadataResolver {
  readonly #fetcher: Fetcher;
  readonly #allow: ReadonlySet<string>;
  readonly #cache: DidDocumentCache;

  constructor(options: { fetcher: Fetcher; allow: ReadonlySet<string>; cache: DidDocumentCache }) {
    this.#fetcher = options.fetcher;
    this.#allow = options.allow;
    this.#cache = options.cache;
  }

  /** The issuer's keys, or a short refusal detail. Never throws. */
  async keys(iss: string): Promise<{ ok: true; jwks: IssuerJwks } | { ok: false; detail: string }> {
    const url = jwtVcIssuerMetadataUrl(iss, this.#allow);
    if (url === null) return { ok: false, detail: 'the issuer is not an https URL kparty may fetch metadata from' };
    try {
      // Keyed apart from DIDs: no DID starts with "jwt-vc-issuer:".
      const document = await this.#cache.resolve(`jwt-vc-issuer:${iss}`, async () => this.#load(iss, url));
      const jwks = (document as unknown as { jwks: IssuerJwks }).jwks;
      return { ok: true, jwks };
    } catch (error) {
      return { ok: false, detail: error instanceof DidResolutionError ? error.message : 'the issuer metadata could not be read' };
    }
  }

  async #load(iss: string, url: string): Promise<{ document: DidDocument; maxAgeSeconds?: number }> {
    const response = await this.#get(url, ISSUER_METADATA_MEDIA_TYPES, 'issuer metadata');
    const metadata = readJson(response.body, 'issuer metadata');
    if (metadata.issuer !== iss) throw new DidResolutionError('the issuer metadata names another "issuer"');
    const hasJwks = metadata.jwks !== undefined;
    const hasUri = metadata.jwks_uri !== undefined;
    if (hasJwks === hasUri) throw new DidResolutionError('the issuer metadata must hold exactly one of "jwks" and "jwks_uri"');
    let keys: unknown[];
    let maxAge = freshnessLifetime(response.headers);
    if (hasJwks) {
      keys = readKeys(metadata.jwks);
    } else {
      const jwksUrl = typeof metadata.jwks_uri === 'string' ? fetchableUrl(metadata.jwks_uri, this.#allow) : null;
      if (jwksUrl === null) throw new DidResolutionError('the issuer metadata\'s "jwks_uri" is not an https URL');
      const jwksResponse = await this.#get(jwksUrl, JWKS_MEDIA_TYPES, 'JWK set');
      keys = readKeys(readJson(jwksResponse.body, 'JWK set'));
      const jwksAge = freshnessLifetime(jwksResponse.headers);
      if (jwksAge !== undefined) maxAge = maxAge === undefined ? jwksAge : Math.min(maxAge, jwksAge);
    }
    const document = { id: `jwt-vc-issuer:${iss}`, jwks: { issuer: iss, keys } } as unknown as DidDocument;
    return maxAge === undefined ? { document } : { document, maxAgeSeconds: maxAge };
  }

  async #get(url: string, accept: string[], what: string): Promise<FetchResponse> {
    let response: FetchResponse;
    try {
      response = await this.#fetcher.fetch({ url, accept, sameOriginRedirectsOnly: true });
    } catch (cause) {
      const detail = describeFetchFailure(cause, what);
      throw new DidResolutionError(detail === 'redirect refused' ? `the ${what} redirected to another host: refused` : detail, { cause });
    }
    // The Fetcher refuses a redirect off the origin before connecting; this holds for any Fetcher.
    if (new URL(response.url).origin !== new URL(url).origin) throw new DidResolutionError(`the ${what} redirected to another host`);
    return response;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readJson(body: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    throw new DidResolutionError(`the ${what} is not UTF-8 JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DidResolutionError(`the ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function readKeys(jwks: unknown): unknown[] {
  const keys = typeof jwks === 'object' && jwks !== null ? (jwks as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new DidResolutionError('the issuer\'s JWK set has no "keys" array');
  if (keys.length > MAX_ISSUER_JWKS_KEYS) throw new DidResolutionError(`the issuer's JWK set lists more than ${MAX_ISSUER_JWKS_KEYS} keys`);
  return keys;
}

function fetchableUrl(raw: string, allow: ReadonlySet<string>): string | null {
  if (raw.length > MAX_ISSUER_URL_LENGTH) return null;
  try {
    const url = new URL(raw);
    if (url.username || url.password) return null;
    const authority = `${url.hostname.toLowerCase()}:${url.port || (url.protocol === 'http:' ? '80' : '443')}`;
    if (url.protocol === 'https:' || (url.protocol === 'http:' && allow.has(authority))) return url.toString();
    return null;
  } catch {
    return null;
  }
}
