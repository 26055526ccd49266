import type { DidDocument } from './did-document.js';

/**
 * One DID method (`did:key`, `did:jwk`, `did:web`), registered with a
 * {@link DidResolver} under the method name it declares (docs/architecture.md "House rules" 4:
 * registries keyed by what a handler supports, credo-ts
 * `DidResolver.supportedMethods`).
 *
 * `resolve` is only called with a DID that passed `parseDid` and names this
 * method. It returns the DID document or throws: a {@link DidResolutionError}
 * carries a detail that is safe to show to the presenter; any other error is
 * reported as a generic failure and its message is kept out of the answer.
 * Methods that do I/O must do it through the guarded Fetcher, never `fetch`.
 */
export interface DidMethodResolver {
  /** The method name, e.g. `key` for `did:key:…`; `[a-z0-9]+`. */
  readonly method: string;
  resolve(did: string): Promise<DidDocument>;
  /** How many documents the method keeps cached in this process, when it caches them itself. */
  readonly cachedDocuments?: number;
}

/**
 * Thrown by a {@link DidMethodResolver} when a DID cannot be resolved. Its
 * message is short, names no library and no internal state, and may be shown
 * to the client as the detail of `did.unresolvable`.
 */
export class DidResolutionError extends Error {
  override readonly name = 'DidResolutionError';

  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
  }
}
