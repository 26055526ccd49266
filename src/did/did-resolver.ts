import type { DidDocument } from './did-document.js';
import { DidResolutionError, type DidMethodResolver } from './did-method-resolver.js';
import { parseDid } from './did-syntax.js';
import { budgetRefusalDetail, type RequestBudget } from '../net/request-budget.js';

export type DidResolution =
  { ok: true; document: DidDocument } | { ok: false; code: 'did.unresolvable' | 'did.method_unsupported'; detail: string; cause?: unknown };

/**
 * The DID method registry (docs/architecture.md "House rules" 4): resolves a DID with the
 * method resolver registered for its method name.
 *
 * Never throws for a bad DID or a failing method: the outcome is a typed
 * result whose `code` is a check code (docs/api.md):
 * - malformed DID (or a DID URL, or over 8 KiB) → `did.unresolvable`, before any I/O;
 * - no resolver for the method → `did.method_unsupported`;
 * - the method throws → `did.unresolvable`; only a {@link DidResolutionError}'s
 *   message reaches `detail`, anything else stays in `cause` (for logs);
 * - the document's `id` differs from the DID (byte-exact) → `did.unresolvable`,
 *   so one DID can never borrow another DID's document.
 *
 * Caching is each method's business: did:key and did:jwk are pure and
 * cached by DID in an LRU; did:web caches through did-document-cache.ts
 * (the SharedCache port, HTTP lifetimes within configured bounds). Since a
 * DID URL never gets past `parseDid`, fragment or query variants of one DID
 * can never multiply resolutions or cache entries.
 */
export class DidResolver {
  readonly #methods = new Map<string, DidMethodResolver>();

  /** @throws Error when two resolvers claim the same method (a wiring mistake). */
  constructor(methods: readonly DidMethodResolver[]) {
    for (const resolver of methods) {
      if (this.#methods.has(resolver.method)) {
        throw new Error(`Two resolvers registered for did:${resolver.method}`);
      }
      this.#methods.set(resolver.method, resolver);
    }
  }

  /** The registered method names, e.g. `['key', 'jwk']`. */
  get supportedMethods(): string[] {
    return [...this.#methods.keys()];
  }

  /** Documents cached in this process by each method that reports it, e.g. `{ key: 812, jwk: 3 }` (metrics, benchmarks). */
  get cachedDocuments(): Record<string, number> {
    const sizes: Record<string, number> = {};
    for (const [method, resolver] of this.#methods) {
      if (resolver.cachedDocuments !== undefined) sizes[method] = resolver.cachedDocuments;
    }
    return sizes;
  }

  /** `budget`: the request's (src/net/request-budget.ts); a network method's DID is one of its fetches, refused beyond KPARTY_REQUEST_MAX_FETCHES. */
  async resolve(did: string, options: { budget?: RequestBudget } = {}): Promise<DidResolution> {
    const parsed = parseDid(did);
    if (!parsed) return { ok: false, code: 'did.unresolvable', detail: 'not a valid DID' };
    const resolver = this.#methods.get(parsed.method);
    if (!resolver) {
      return { ok: false, code: 'did.method_unsupported', detail: `DID method "${parsed.method}" is not supported` };
    }
    const refusal = resolver.network ? options.budget?.claimFetch(did) : undefined;
    if (refusal) return { ok: false, code: 'did.unresolvable', detail: budgetRefusalDetail(refusal) };
    let document: DidDocument;
    try {
      document = await resolver.resolve(did);
    } catch (cause) {
      const detail = cause instanceof DidResolutionError ? cause.message : `did:${parsed.method} resolution failed`;
      return { ok: false, code: 'did.unresolvable', detail, cause };
    }
    if (typeof document !== 'object' || document === null || document.id !== did) {
      return { ok: false, code: 'did.unresolvable', detail: 'the DID document does not describe this DID' };
    }
    return { ok: true, document };
  }
}
