/**
 * Discovery and key sets per issuer. The metadata comes from
 * `${issuer}/.well-known/oauth-authorization-server` (kparty serves it under
 * its issuer URL, RFC 8414 §3); its `issuer` must equal the configured issuer
 * exactly (RFC 8414 §3.3), and the JWKS is then fetched from its `jwks_uri`
 * by jose's remote key set, which refetches when a token names an unknown
 * `kid` (at most once per cooldown) and when its copy is older than the
 * cache age. One directory is shared by every guard of a process unless an
 * application passes its own.
 */
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { boundedFetch, DEFAULT_FETCH_LIMITS, jsonObject, type FetchLimits } from './bounded-fetch.js';
import { IssuerUnavailableError } from './errors.js';
import { isAcceptableEndpoint } from './issuer-url.js';

/** The members of kparty's RFC 8414 metadata the guard uses. */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri: string;
  /** RFC 7662 endpoint; absent when the metadata names none. */
  introspection_endpoint?: string;
}

/** What the guard needs to verify a token of one issuer. */
export interface IssuerEntry {
  metadata: IssuerMetadata;
  /** jose key resolver over the remote JWKS. */
  keys: JWTVerifyGetKey;
}

export interface IssuerDirectoryOptions {
  /**
   * Least time between two JWKS fetches caused by tokens naming a `kid` the
   * cached set lacks (jose `cooldownDuration`). Default 30 000 ms: a rotated
   * key is picked up by the first token that uses it, and a flood of tokens
   * with made-up `kid`s cannot turn into a flood of fetches.
   */
  jwksCooldownMs?: number;
  /**
   * Age after which the JWKS is fetched again before use (jose `cacheMaxAge`).
   * Default 300 000 ms: half of kparty's default rotation lead (KPARTY_KEY_ROTATION_LEAD, 600 s),
   * so a scheduled new key is known before it signs.
   */
  jwksCacheMaxAgeMs?: number;
  /** Age after which the metadata is fetched again. Default 3 600 000 ms; a stale copy is kept while kparty is unreachable. */
  metadataMaxAgeMs?: number;
  /** Time and size limits on every fetch. Default 5 s and 256 KiB. */
  fetchLimits?: FetchLimits;
}

interface CachedEntry extends IssuerEntry {
  fetchedAt: number;
}

/** Per-issuer cache of metadata and remote key sets, with single-flight discovery. */
export class IssuerDirectory {
  private readonly entries = new Map<string, CachedEntry>();
  private readonly pending = new Map<string, Promise<CachedEntry>>();
  private readonly jwksCooldownMs: number;
  private readonly jwksCacheMaxAgeMs: number;
  private readonly metadataMaxAgeMs: number;
  readonly fetchLimits: FetchLimits;

  constructor(options: IssuerDirectoryOptions = {}) {
    this.jwksCooldownMs = nonNegative(options.jwksCooldownMs ?? 30_000, 'jwksCooldownMs');
    this.jwksCacheMaxAgeMs = nonNegative(options.jwksCacheMaxAgeMs ?? 300_000, 'jwksCacheMaxAgeMs');
    this.metadataMaxAgeMs = nonNegative(options.metadataMaxAgeMs ?? 3_600_000, 'metadataMaxAgeMs');
    this.fetchLimits = options.fetchLimits ?? DEFAULT_FETCH_LIMITS;
  }

  /** The metadata and key set of `issuer` (a URL already checked by `requireIssuerUrl`). */
  async resolve(issuer: string): Promise<IssuerEntry> {
    const cached = this.entries.get(issuer);
    if (cached && Date.now() - cached.fetchedAt < this.metadataMaxAgeMs) return cached;
    let discovery = this.pending.get(issuer);
    if (!discovery) {
      discovery = this.discover(issuer, cached).finally(() => this.pending.delete(issuer));
      this.pending.set(issuer, discovery);
    }
    try {
      return await discovery;
    } catch (error) {
      // Keep serving the last good metadata while kparty is briefly unreachable; never past a changed or bad answer.
      if (cached && error instanceof IssuerUnavailableError && error.reason === 'unreachable') return cached;
      throw error;
    }
  }

  private async discover(issuer: string, previous: CachedEntry | undefined): Promise<CachedEntry> {
    const metadata = await this.fetchMetadata(issuer);
    const keys =
      previous && previous.metadata.jwks_uri === metadata.jwks_uri
        ? previous.keys
        : createRemoteJWKSet(new URL(metadata.jwks_uri), {
            cooldownDuration: this.jwksCooldownMs,
            cacheMaxAge: this.jwksCacheMaxAgeMs,
            timeoutDuration: this.fetchLimits.timeoutMs,
            [customFetch]: (url: string, init: RequestInit) => boundedFetch(url, init, this.fetchLimits),
          });
    const entry: CachedEntry = { metadata, keys, fetchedAt: Date.now() };
    this.entries.set(issuer, entry);
    return entry;
  }

  private async fetchMetadata(issuer: string): Promise<IssuerMetadata> {
    const url = `${issuer}/.well-known/oauth-authorization-server`;
    const response = await boundedFetch(url, { headers: { accept: 'application/json' } }, this.fetchLimits);
    if (response.status !== 200) {
      throw new IssuerUnavailableError('bad_response', `${url} answered ${response.status}, expected 200`);
    }
    const body = await jsonObject(response, `the metadata at ${url}`);
    if (body.issuer !== issuer) {
      // RFC 8414 §3.3: metadata naming another issuer must not be used.
      throw new IssuerUnavailableError(
        'issuer_mismatch',
        `the metadata at ${url} names issuer ${JSON.stringify(String(body.issuer)).slice(0, 200)}, not the configured ${JSON.stringify(issuer)}`,
      );
    }
    if (!isAcceptableEndpoint(body.jwks_uri, issuer)) {
      throw new IssuerUnavailableError('bad_response', `the metadata at ${url} has no usable jwks_uri`);
    }
    const metadata: IssuerMetadata = { issuer, jwks_uri: body.jwks_uri };
    if (isAcceptableEndpoint(body.introspection_endpoint, issuer)) metadata.introspection_endpoint = body.introspection_endpoint;
    return metadata;
  }
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`kparty guard: ${name} must be a non-negative number of milliseconds`);
  return value;
}

/** The directory guards use when the application passes none. */
export const sharedIssuerDirectory = new IssuerDirectory();
