/**
 * Pluggable DID methods (KPARTY_DID_DRIVERS, docs/security.md#did-drivers):
 * installed packages implementing the `did-resolver` driver interface
 * (`getResolver()` → `{ <method>: DIDResolver }`, as `pkh-did-resolver` or
 * `ethr-did-resolver` do), each method wrapped as a kparty DidMethodResolver.
 *
 * What a driver answers is held to the checks kparty's own methods meet: the
 * document must be a JSON object of bounded size and depth whose `id` is the
 * DID byte for byte (did-document-json.ts), resolution is bounded by
 * KPARTY_FETCH_TIMEOUT_MS, and documents are cached like did:web's
 * (did-document-cache.ts: lifetimes, negative caching, stale-if-error).
 *
 * A driver's own network access does not go through the guarded fetcher:
 * drivers are opt-in, each is named in a warning at start, and each is
 * handed `{ fetch }` — a fetch that does go through the guarded fetcher —
 * which drivers that take a fetch function use. did:key, did:jwk and did:web
 * stay kparty's own: a driver's method of those names is skipped.
 */
import { Resolver, type DIDResolver, type ResolverRegistry } from 'did-resolver';
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Fetcher } from '../../core/ports/fetcher.js';
import type { DidDocument } from '../did-document.js';
import type { DidDocumentCache } from '../did-document-cache.js';
import { parseFetchedDidDocument } from '../did-document-json.js';
import { DidResolutionError, type DidMethodResolver } from '../did-method-resolver.js';

/** DID methods kparty resolves itself; drivers may not replace them. */
export const OWN_DID_METHODS: ReadonlySet<string> = new Set(['key', 'jwk', 'web']);

/** An npm package name (scoped or not), as KPARTY_DID_DRIVERS lists them. */
export const DRIVER_PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._-]{0,100}\/)?[a-z0-9][a-z0-9._-]{0,100}$/;

const METHOD_NAME = /^[a-z0-9]{1,64}$/;

export interface DidDriverOptions {
  /** Documents of every driver, cached like did:web's. */
  documents: DidDocumentCache;
  /** The guarded fetcher, handed to drivers as a `fetch` function. */
  fetcher: Fetcher;
  /** KPARTY_FETCH_TIMEOUT_MS: the longest one resolution may take. */
  timeoutMs: number;
  /** KPARTY_FETCH_MAX_BYTES: the largest document accepted (serialised JSON). */
  maxBytes: number;
  logger: Logger;
  /** Loads a package (tests pass their own); default: dynamic import. */
  importer?: (name: string) => Promise<unknown>;
}

/**
 * A `fetch` for drivers that goes through the guarded fetcher: GET only,
 * https (or allow-listed host:port), no private addresses, size and time
 * limits. Answers like WHATWG fetch (a Response); refusals reject.
 */
export function guardedFetch(fetcher: Fetcher): (input: string | URL | { url: string }, init?: { method?: string }) => Promise<Response> {
  return async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method !== 'GET') throw new TypeError(`kparty's guarded fetch only makes GET requests, not ${method}`);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const response = await fetcher.fetch({ url, accept: [] });
    return new Response(Buffer.from(response.body), { status: response.status, headers: response.headers });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, detail: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DidResolutionError(detail)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One method of a driver package, as a kparty DID method. */
export class DriverDidMethodResolver implements DidMethodResolver {
  readonly #resolver: Resolver;

  constructor(
    readonly method: string,
    readonly driver: string,
    resolve: DIDResolver,
    private readonly options: Pick<DidDriverOptions, 'documents' | 'timeoutMs' | 'maxBytes'>,
  ) {
    // did-resolver's own cache stays off: kparty's cache (lifetimes, shared through Redis) is the one.
    this.#resolver = new Resolver({ [method]: resolve }, { cache: false });
  }

  async resolve(did: string): Promise<DidDocument> {
    return this.options.documents.resolve(did, async () => {
      let result;
      try {
        result = await withTimeout(this.#resolver.resolve(did), this.options.timeoutMs, `did:${this.method} resolution timed out`);
      } catch (cause) {
        if (cause instanceof DidResolutionError) throw cause;
        throw new DidResolutionError(`did:${this.method} resolution failed`, { cause });
      }
      const error = result?.didResolutionMetadata?.error;
      if (typeof error === 'string' || !result?.didDocument) {
        throw new DidResolutionError(`did:${this.method} resolution failed: ${typeof error === 'string' ? error.slice(0, 64) : 'no document'}`);
      }
      let json: string;
      try {
        json = JSON.stringify(result.didDocument);
      } catch (cause) {
        throw new DidResolutionError('the DID document is not JSON', { cause });
      }
      const bytes = new TextEncoder().encode(json);
      if (bytes.length > this.options.maxBytes) throw new DidResolutionError('the DID document is too large');
      // A fresh, parsed copy: nothing the driver keeps a reference to can change what kparty uses.
      return { document: parseFetchedDidDocument(bytes, did) };
    });
  }
}

function getResolverOf(module: unknown): ((options?: unknown) => unknown) | undefined {
  const candidates = [module, (module as { default?: unknown } | null)?.default];
  for (const candidate of candidates) {
    const getResolver = (candidate as { getResolver?: unknown } | null)?.getResolver;
    if (typeof getResolver === 'function') return getResolver as (options?: unknown) => unknown;
  }
  return undefined;
}

/**
 * Loads every package of KPARTY_DID_DRIVERS and returns its DID methods.
 * @throws ConfigError naming the package when it cannot be loaded or is not a driver
 */
export async function loadDidDrivers(packages: readonly string[], options: DidDriverOptions): Promise<DriverDidMethodResolver[]> {
  const importer = options.importer ?? ((name: string) => import(name));
  const methods: DriverDidMethodResolver[] = [];
  const taken = new Map<string, string>();
  for (const name of packages) {
    let module: unknown;
    try {
      module = await importer(name);
    } catch (cause) {
      throw new ConfigError(
        `KPARTY_DID_DRIVERS: cannot load ${name} (${cause instanceof Error ? cause.message.split('\n', 1)[0] : String(cause)}); install it next to kparty`,
      );
    }
    const getResolver = getResolverOf(module);
    if (!getResolver) throw new ConfigError(`KPARTY_DID_DRIVERS: ${name} exports no getResolver() (a did-resolver driver does)`);
    let registry: unknown;
    try {
      registry = getResolver({ fetch: guardedFetch(options.fetcher) });
    } catch (cause) {
      throw new ConfigError(`KPARTY_DID_DRIVERS: ${name}'s getResolver() failed (${cause instanceof Error ? cause.message : String(cause)})`);
    }
    if (typeof registry !== 'object' || registry === null) throw new ConfigError(`KPARTY_DID_DRIVERS: ${name}'s getResolver() returned no methods`);
    const loaded: string[] = [];
    for (const [method, resolve] of Object.entries(registry as ResolverRegistry)) {
      if (typeof resolve !== 'function' || !METHOD_NAME.test(method)) continue;
      if (OWN_DID_METHODS.has(method)) {
        options.logger.warn({ didDriver: name, method }, `KPARTY_DID_DRIVERS: ${name} also resolves did:${method}; kparty keeps its own did:${method}`);
        continue;
      }
      const other = taken.get(method);
      if (other !== undefined) throw new ConfigError(`KPARTY_DID_DRIVERS: did:${method} is resolved by both ${other} and ${name}`);
      taken.set(method, name);
      methods.push(new DriverDidMethodResolver(method, name, resolve, options));
      loaded.push(method);
    }
    if (loaded.length === 0) throw new ConfigError(`KPARTY_DID_DRIVERS: ${name} resolves no DID method kparty does not already resolve`);
    options.logger.warn(
      { didDriver: name, methods: loaded.map((m) => `did:${m}`) },
      `KPARTY_DID_DRIVERS: DID driver ${name} loaded for ${loaded.map((m) => `did:${m}`).join(', ')}; any network access of its own bypasses kparty's guarded fetcher (docs/security.md#did-drivers)`,
    );
  }
  return methods;
}
