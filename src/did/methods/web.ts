import type { Fetcher } from '../../core/ports/fetcher.js';
import type { DidDocument } from '../did-document.js';
import type { DidDocumentCache, LoadedDidDocument } from '../did-document-cache.js';
import { parseFetchedDidDocument } from '../did-document-json.js';
import { DidResolutionError, type DidMethodResolver } from '../did-method-resolver.js';
import { freshnessLifetime } from '../cache-control.js';
import { fetchFailureDetail } from '../fetch-failure-detail.js';
import { didWebLocation } from './web-url.js';

/** Media types a did:web document may be served as (DID Core §6.2, did:web; plain JSON is common). */
export const DID_DOCUMENT_MEDIA_TYPES = ['application/did+json', 'application/did+ld+json', 'application/json'];

export interface DidWebResolverOptions {
  /** The guarded fetcher: the only way out (docs/architecture.md: every outbound byte goes through one Fetcher). */
  fetcher: Fetcher;
  /** KPARTY_OUTBOUND_ALLOW: DIDs naming one of these `host:port` are fetched over plain http, and may name an IP address. */
  allow: ReadonlySet<string>;
  /** Caching, single flight, negative and stale-if-error (did-document-cache.ts). */
  documents: DidDocumentCache;
}

/**
 * did:web, W3C CCG https://w3c-ccg.github.io/did-method-web/ : the DID names
 * an HTTPS URL (web-url.ts) whose `did.json` is the DID document.
 *
 * The DID is parsed strictly and refused before any I/O when malformed; the
 * document is fetched through the guarded {@link Fetcher} (address checks,
 * time and size caps, redirects re-checked), must be served as one of
 * {@link DID_DOCUMENT_MEDIA_TYPES}, be UTF-8 JSON and have `id` equal to the
 * DID byte for byte. Failures are {@link DidResolutionError}s whose short
 * detail (`address refused`, `timed out`, …) reaches the verification answer
 * as `did.unresolvable`. Documents are cached per DID (did-document-cache.ts).
 */
export class DidWebResolver implements DidMethodResolver {
  readonly method = 'web';
  readonly #fetcher: Fetcher;
  readonly #allow: ReadonlySet<string>;
  readonly #documents: DidDocumentCache;

  constructor(options: DidWebResolverOptions) {
    this.#fetcher = options.fetcher;
    this.#allow = options.allow;
    this.#documents = options.documents;
  }

  async resolve(did: string): Promise<DidDocument> {
    const { url } = didWebLocation(did, this.#allow);
    return this.#documents.resolve(did, () => this.#load(did, url));
  }

  async #load(did: string, url: string): Promise<LoadedDidDocument> {
    let response;
    try {
      response = await this.#fetcher.fetch({ url, accept: DID_DOCUMENT_MEDIA_TYPES });
    } catch (cause) {
      throw new DidResolutionError(fetchFailureDetail(cause), { cause });
    }
    const document = parseFetchedDidDocument(response.body, did);
    const maxAgeSeconds = freshnessLifetime(response.headers);
    return maxAgeSeconds === undefined ? { document } : { document, maxAgeSeconds };
  }
}
