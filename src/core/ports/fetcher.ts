/**
 * Every outbound HTTP request kparty makes (did:web documents, status lists)
 * goes through one Fetcher. The production adapter (src/net/) resolves DNS
 * itself, refuses private/loopback/link-local/metadata addresses unless the
 * exact host:port is in KPARTY_OUTBOUND_ALLOW, pins the checked address, caps
 * time and bytes (also after decompression) and re-checks every redirect.
 * DID methods and status checkers never call `fetch` directly.
 */
export interface FetchRequest {
  /** Absolute https URL (http only for allow-listed host:port). */
  url: string;
  /** Acceptable media types (compared without parameters); the response must match one. Empty: any. */
  accept: string[];
  /** Defaults to KPARTY_FETCH_MAX_BYTES; may only be lower. */
  maxBytes?: number;
  /** Defaults to KPARTY_FETCH_TIMEOUT_MS; may only be lower. */
  timeoutMs?: number;
  /** Refuse (`redirect_refused`, before connecting) a redirect to another scheme, host or port than `url`'s (issuer metadata). */
  sameOriginRedirectsOnly?: boolean;
  /** Default GET. A POST (OpenID4VP callbacks) sends `body` and follows no redirect (`redirect_refused`). */
  method?: 'GET' | 'POST';
  body?: { contentType: string; data: Uint8Array };
}

export interface FetchResponse {
  /** The URL finally answered (after permitted redirects). */
  url: string;
  status: number;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  /** The decoded (decompressed) body, at most maxBytes. */
  body: Uint8Array;
}

/** Why a fetch failed; stable, for logs and tests. Never shown to clients beyond a short detail. */
export type FetchFailureReason =
  | 'url_invalid'
  | 'address_blocked'
  | 'dns_failed'
  | 'timeout'
  | 'too_large'
  | 'redirect_refused'
  | 'too_many_redirects'
  | 'http_status'
  | 'content_type'
  | 'network';

export class FetchError extends Error {
  override readonly name = 'FetchError';
  /** The HTTP status of the answer, for `http_status`. */
  readonly status: number | undefined;
  constructor(
    readonly reason: FetchFailureReason,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
  }
}

export interface Fetcher {
  /** Resolves with a 2xx response, or rejects with a FetchError. */
  fetch(request: FetchRequest): Promise<FetchResponse>;
}
