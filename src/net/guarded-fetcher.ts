import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { KpartyConfig } from '../core/config.js';
import { FetchError, type FetchRequest, type FetchResponse, type Fetcher } from '../core/ports/fetcher.js';
import { isAcceptedMediaType } from './media-type.js';
import { outboundTarget, type OutboundTarget } from './outbound-target.js';
import { boundedHostResolver, pinAddresses, systemHostResolver, type HostResolver, type ResolvedAddress } from './pinned-address.js';
import { ACCEPTED_ENCODINGS, readResponseBody } from './response-body.js';

/** Redirects followed at most, each one re-checked like the first URL. */
export const MAX_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface GuardedFetcherOptions {
  /** KPARTY_OUTBOUND_ALLOW: lower-cased `host:port` that may be private/loopback and use plain http. */
  allow: ReadonlySet<string>;
  /** KPARTY_FETCH_TIMEOUT_MS (default 3000): the whole exchange — DNS, connect, every redirect, headers and body. */
  timeoutMs: number;
  /** KPARTY_FETCH_MAX_BYTES (default 1 MiB): on the wire and after decompression. */
  maxBytes: number;
  /** Host name resolution; the system resolver by default. Tests inject one to make a name resolve to loopback offline. */
  resolveHost?: HostResolver;
  /** Extra PEM certificates trusted for https, in addition to Node's bundled roots (for a private CA). */
  extraCaCertificates?: readonly string[];
}

/**
 * The one way kparty talks to other hosts (did:web documents, status lists):
 * a {@link Fetcher} over node:http/https that
 *
 * - refuses URLs that are not https (http only for an allow-listed
 *   `host:port`) or that carry user info;
 * - resolves the host itself and refuses loopback, private (RFC 1918),
 *   link-local, CGNAT, unique-local, unspecified, multicast, reserved and
 *   cloud-metadata addresses (address-ranges.ts) unless the exact
 *   `host:port` is allow-listed — if any address of the name is blocked;
 * - connects only to the addresses it checked (the socket's `lookup`
 *   returns them; no second DNS query, so DNS rebinding cannot switch them);
 * - follows at most {@link MAX_REDIRECTS} redirects, each re-checked from
 *   scratch (scheme, allow-list, DNS, ranges);
 * - aborts the whole exchange at the deadline, however slowly the bytes drip;
 * - caps the body on Content-Length, on the wire and after decompression;
 * - checks the Content-Type against `request.accept`;
 * - sends `User-Agent: kparty`, no cookies, no credentials, uses no proxy
 *   (node:http ignores HTTP(S)_PROXY) and no connection pool (a fresh,
 *   pinned connection per exchange).
 *
 * Every refusal is a {@link FetchError} with a stable `reason`. See docs/security.md.
 */
export class GuardedFetcher implements Fetcher {
  readonly #allow: ReadonlySet<string>;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #resolveHost: HostResolver;
  readonly #ca: string[] | undefined;

  constructor(options: GuardedFetcherOptions) {
    this.#allow = options.allow;
    this.#timeoutMs = options.timeoutMs;
    this.#maxBytes = options.maxBytes;
    this.#resolveHost = options.resolveHost ?? systemHostResolver;
    this.#ca = options.extraCaCertificates?.length ? [...rootCertificates, ...options.extraCaCertificates] : undefined;
  }

  /**
   * The fetcher the configuration describes (KPARTY_OUTBOUND_ALLOW, KPARTY_FETCH_TIMEOUT_MS, KPARTY_FETCH_MAX_BYTES),
   * resolving names with the system resolver within KPARTY_DNS_MAX_CONCURRENT / KPARTY_DNS_MAX_QUEUED (pinned-address.ts).
   */
  static fromConfig(config: Pick<KpartyConfig, 'outboundAllow' | 'fetchTimeoutMs' | 'fetchMaxBytes' | 'dnsLimits'>): GuardedFetcher {
    return new GuardedFetcher({
      allow: config.outboundAllow,
      timeoutMs: config.fetchTimeoutMs,
      maxBytes: config.fetchMaxBytes,
      resolveHost: boundedHostResolver(systemHostResolver, config.dnsLimits),
    });
  }

  async fetch(request: FetchRequest): Promise<FetchResponse> {
    const maxBytes = lowerOnly(request.maxBytes, this.#maxBytes);
    const timeoutMs = lowerOnly(request.timeoutMs, this.#timeoutMs);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      return await Promise.race([this.#follow(request, maxBytes, deadline.signal), rejectOnAbort(deadline.signal, timeoutMs)]);
    } catch (error) {
      if (deadline.signal.aborted) throw timedOut(timeoutMs, error);
      throw error instanceof FetchError ? error : new FetchError('network', 'the exchange failed', { cause: error });
    } finally {
      clearTimeout(timer);
      deadline.abort(); // releases anything still open once the answer is settled
    }
  }

  async #follow(request: FetchRequest, maxBytes: number, signal: AbortSignal): Promise<FetchResponse> {
    let target = outboundTarget(request.url, this.#allow);
    for (let redirects = 0; ; redirects++) {
      const pinning = pinAddresses(target, this.#resolveHost, signal);
      const addresses = redirects === 0 ? await pinning : await asRedirect(pinning);
      signal.throwIfAborted();
      const response = await this.#exchange(target, addresses, request, signal);
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || location === undefined) {
        return this.#answer(target, response, request.accept, maxBytes);
      }
      response.destroy();
      // A body is never re-sent to wherever a redirect points.
      if (request.method === 'POST') throw new FetchError('redirect_refused', 'a POST is not redirected');
      if (redirects === MAX_REDIRECTS) throw new FetchError('too_many_redirects', `more than ${MAX_REDIRECTS} redirects`);
      // Each hop is checked from scratch: scheme, allow-list, then (above) DNS and address ranges.
      const from = target.url;
      target = await asRedirect(Promise.resolve().then(() => outboundTarget(new URL(location, from).href, this.#allow)));
      if (request.sameOriginRedirectsOnly && target.url.origin !== from.origin) {
        throw new FetchError('redirect_refused', 'the redirect leaves the origin');
      }
    }
  }

  async #answer(target: OutboundTarget, response: IncomingMessage, accept: readonly string[], maxBytes: number): Promise<FetchResponse> {
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      response.destroy();
      throw new FetchError('http_status', `the host answered ${status}`, { status });
    }
    if (!isAcceptedMediaType(response.headers['content-type'], accept)) {
      response.destroy();
      throw new FetchError('content_type', 'the response has an unexpected content type');
    }
    const declared = response.headers['content-length'];
    if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > maxBytes)) {
      response.destroy();
      throw new FetchError('too_large', `the response body exceeds ${maxBytes} bytes`);
    }
    const body = await readResponseBody(response, maxBytes);
    return { url: target.url.href, status, headers: flatHeaders(response), body };
  }

  #exchange(target: OutboundTarget, addresses: ResolvedAddress[], request: FetchRequest, signal: AbortSignal): Promise<IncomingMessage> {
    const accept = request.accept;
    const body = request.method === 'POST' ? request.body : undefined;
    const options: RequestOptions & { servername?: string; ca?: string[] } = {
      method: request.method ?? 'GET',
      host: target.host,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      lookup: pinnedLookup(addresses),
      agent: false,
      signal,
      headers: {
        accept: accept.length > 0 ? accept.join(', ') : '*/*',
        'accept-encoding': ACCEPTED_ENCODINGS,
        'user-agent': 'kparty',
        ...(body ? { 'content-type': body.contentType, 'content-length': String(body.data.byteLength) } : {}),
      },
    };
    // SNI carries a host name only (RFC 6066 §3); the certificate is still checked against the host.
    if (target.url.protocol === 'https:' && target.ipVersion === 0) options.servername = target.host;
    if (target.url.protocol === 'https:' && this.#ca) options.ca = this.#ca;
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send(options, (response) => {
        // Errors after this point (abort at the deadline, a reset mid-body) are handled by whoever reads the
        // body; this listener only keeps a late one from becoming an uncaught exception.
        response.on('error', () => undefined);
        resolve(response);
      });
      // `on`, not `once`: a request can emit more than one error (e.g. a reset, then the deadline's abort).
      outgoing.on('error', (cause) => reject(new FetchError('network', `could not reach ${target.authority}`, { cause })));
      outgoing.end(body ? Buffer.from(body.data) : undefined);
    });
  }
}

/**
 * A `lookup` for the socket that answers with the checked addresses whatever
 * name it is asked for: the connection goes where the check said, never to a
 * second DNS answer. Handles both callback shapes Node uses: every address
 * (`all: true`, happy eyeballs tries them in order) or the first one.
 */
function pinnedLookup(pinned: ResolvedAddress[]): LookupFunction {
  const [first] = pinned as [ResolvedAddress, ...ResolvedAddress[]];
  return (_hostname, options, callback) => {
    if (options.all) {
      (callback as unknown as (error: null, addresses: ResolvedAddress[]) => void)(null, pinned);
    } else {
      callback(null, first.address, first.family);
    }
  };
}

/** A request's own limit where it is a positive number below the configured one; the configured one otherwise. */
function lowerOnly(requested: number | undefined, configured: number): number {
  return requested !== undefined && Number.isFinite(requested) && requested > 0 ? Math.min(requested, configured) : configured;
}

/** A refusal of a redirect target is `redirect_refused` (the cause says why); a DNS failure stays `dns_failed`. */
async function asRedirect<T>(check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (cause) {
    if (cause instanceof FetchError && cause.reason === 'dns_failed') throw cause;
    throw new FetchError('redirect_refused', 'the redirect target is not fetched', { cause });
  }
}

function rejectOnAbort(signal: AbortSignal, timeoutMs: number): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(timedOut(timeoutMs)), { once: true });
  });
}

function timedOut(timeoutMs: number, cause?: unknown): FetchError {
  if (cause instanceof FetchError && cause.reason === 'timeout') return cause;
  return new FetchError('timeout', `no complete answer within ${timeoutMs} ms`, cause === undefined ? undefined : { cause });
}

function flatHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || name === 'set-cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
