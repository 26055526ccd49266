import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { LruMap } from '../../crypto/lru.js';
import { jcs } from './jcs.js';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import * as bitstringStatusListContext from '@digitalbazaar/vc-bitstring-status-list-context';
import statusList2021Context from '@digitalbazaar/vc-status-list-context';

/**
 * The JSON-LD contexts kparty will read a Data Integrity document with: a
 * bundled set shipped in the installed context packages, each pinned here by
 * URL → SHA-256 of its JSON Canonicalization Scheme form (RFC 8785), plus the
 * operator's own (KPARTY_JSONLD_CONTEXTS, docs/operations.md). No context is
 * ever fetched: a document naming any other context is refused before
 * expansion starts (data-integrity/document-caps.ts), the strict loader of
 * this set is the only document loader jsonld.js is ever handed, and
 * jsonld.js's process-wide cache of resolved contexts is never used (each set
 * brings its own, {@link JsonLdContextSet.resolvedContexts}).
 *
 * Deliberately NOT bundled: the credentials "undefined-terms" context and any
 * example context — both carry `@vocab`, which defines every term and would
 * defeat the refusal of undefined terms (docs/security.md).
 */
export interface PinnedContext {
  url: string;
  /** Hex SHA-256 of the RFC 8785 canonical form of the context document. */
  sha256: string;
  document: Record<string, unknown>;
}

/** The bundled set: URL → expected hash. A package update that changes a context fails start-up, never silently. */
export const BUNDLED_CONTEXT_PINS: Readonly<Record<string, string>> = {
  'https://www.w3.org/2018/credentials/v1': 'b01e671e873981f19a9102a9a57f666dbcaeb31b99e3e124378d143e71549247',
  'https://www.w3.org/ns/credentials/v2': 'b463c8d6a066214123ddd9827b135e1b50e1fc73322cc52a9b12a4f1fc7d86cf',
  'https://w3id.org/security/data-integrity/v1': '9505bf85338a4c2121ad03992ac90061bc85d43bcfa34d9d47b779381cf08b5f',
  'https://w3id.org/security/data-integrity/v2': '7ba3c50acf2689d5e07927267343eb353249c7c22a9f2d00307cc970e855e305',
  'https://w3id.org/security/multikey/v1': 'be20c3ee6af6e9c4102e66a85c26617831218e32216bdf050f870e389e737cdc',
  'https://www.w3.org/ns/credentials/status/v1': 'b2fcebfbaf4e6beae2be370fda8a5f9f99c28540c798a75a8cdccc0fb1a12492',
  'https://w3id.org/vc/status-list/2021/v1': '9768f9aa81ab6c3e2ad96b2d669eaba67afe13fff0140a853f1e3d313fab13b6',
};

/** Name of the manifest in a KPARTY_JSONLD_CONTEXTS folder. */
export const CONTEXT_MANIFEST = 'contexts.json';
/** Most contexts an operator folder may add, and most bytes one may have. */
export const MAX_OPERATOR_CONTEXTS = 64;
export const MAX_CONTEXT_BYTES = 256 * 1024;

/** A start-up error (a bad KPARTY_JSONLD_CONTEXTS folder, a bundled context that changed): reported like any configuration error. */
export class JsonLdContextError extends ConfigError {}

/** Resolved contexts kept per set (pinned ones and recently seen inline ones). */
export const RESOLVED_CONTEXT_CACHE_SIZE = 256;

export function contextHash(document: unknown): string {
  return createHash('sha256').update(jcs(document)).digest('hex');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type ContextMap = { contexts: Map<string, unknown> };

function packagedContexts(): Map<string, unknown> {
  const all = new Map<string, unknown>();
  const packages: ContextMap[] = [
    credentialsContext as unknown as ContextMap,
    dataIntegrityContext as unknown as ContextMap,
    multikeyContext as unknown as ContextMap,
    bitstringStatusListContext as unknown as ContextMap,
    statusList2021Context as unknown as ContextMap,
  ];
  for (const pkg of packages) for (const [url, document] of pkg.contexts) all.set(url, document);
  return all;
}

/** What jsonld.js expects a document loader to answer. */
export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: Record<string, unknown>;
}

/**
 * An immutable set of pinned contexts and its strict document loader. The
 * loader answers only URLs of the set (a deep copy each time, so nothing can
 * alter the set) and throws {@link JsonLdContextError} for anything else —
 * it has no network path at all.
 */
export class JsonLdContextSet {
  readonly #contexts: ReadonlyMap<string, PinnedContext>;
  /**
   * Contexts jsonld.js has resolved with this set, handed to it as its cache
   * in place of its process-wide one (canonicalize.ts): what one set resolved
   * can never answer for another set, and nothing resolved outside kparty's
   * loader can answer for this one. Bounded: inline contexts are cached too.
   */
  readonly resolvedContexts = new LruMap<string, unknown>(RESOLVED_CONTEXT_CACHE_SIZE);

  private constructor(contexts: ReadonlyMap<string, PinnedContext>) {
    this.#contexts = contexts;
  }

  /** The bundled set, every context checked against its pin. @throws JsonLdContextError on a mismatch. */
  static bundled(): JsonLdContextSet {
    const packaged = packagedContexts();
    const contexts = new Map<string, PinnedContext>();
    for (const [url, sha256] of Object.entries(BUNDLED_CONTEXT_PINS)) {
      const document = packaged.get(url);
      if (!isObject(document)) throw new JsonLdContextError(`bundled JSON-LD context ${url} is missing from the installed packages`);
      const actual = contextHash(document);
      if (actual !== sha256) throw new JsonLdContextError(`bundled JSON-LD context ${url} does not match its pinned hash (sha256 ${actual})`);
      contexts.set(url, { url, sha256, document: structuredClone(document) });
    }
    return new JsonLdContextSet(contexts);
  }

  /**
   * The bundled set plus the contexts of an operator folder (KPARTY_JSONLD_CONTEXTS):
   * `contexts.json` maps each URL to `{ "file": "<name in the folder>", "sha256": "<hex>" }`,
   * the hash being over the file's context in RFC 8785 canonical form. Every
   * entry is checked at start-up; a bundled URL cannot be redefined.
   * @throws JsonLdContextError naming the first problem.
   */
  static async withFolder(dir: string, base: JsonLdContextSet = JsonLdContextSet.bundled()): Promise<JsonLdContextSet> {
    let manifest: unknown;
    try {
      manifest = JSON.parse(await readFile(join(dir, CONTEXT_MANIFEST), 'utf8'));
    } catch (cause) {
      throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: cannot read ${CONTEXT_MANIFEST} in ${dir}: ${(cause as Error).message}`);
    }
    if (!isObject(manifest)) throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: ${CONTEXT_MANIFEST} must be an object of URL → { file, sha256 }`);
    const entries = Object.entries(manifest);
    if (entries.length > MAX_OPERATOR_CONTEXTS) throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: at most ${MAX_OPERATOR_CONTEXTS} contexts`);
    const contexts = new Map(base.#contexts);
    for (const [url, entry] of entries) {
      if (!isAbsoluteUrl(url)) throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: ${JSON.stringify(url)} is not an absolute URL`);
      if (contexts.has(url)) throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: ${url} is already defined`);
      if (!isObject(entry) || typeof entry.file !== 'string' || typeof entry.sha256 !== 'string') {
        throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: the entry for ${url} must be { "file": string, "sha256": string }`);
      }
      if (entry.file.includes('/') || entry.file.includes('\\') || entry.file.startsWith('.')) {
        throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: ${JSON.stringify(entry.file)} must be a file name inside the folder`);
      }
      let text: string;
      try {
        text = await readFile(join(dir, entry.file), 'utf8');
      } catch (cause) {
        throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: cannot read ${entry.file}: ${(cause as Error).message}`);
      }
      if (Buffer.byteLength(text) > MAX_CONTEXT_BYTES) throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: ${entry.file} exceeds ${MAX_CONTEXT_BYTES} bytes`);
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: ${entry.file} is not JSON`);
      }
      if (!isObject(document) || document['@context'] === undefined) {
        throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: ${entry.file} is not a JSON-LD context document`);
      }
      const actual = contextHash(document);
      if (actual !== entry.sha256.toLowerCase()) {
        throw new JsonLdContextError(`KPARTY_JSONLD_CONTEXTS: ${entry.file} does not match the sha256 pinned for ${url} (it hashes to ${actual})`);
      }
      contexts.set(url, { url, sha256: actual, document });
    }
    const set = new JsonLdContextSet(contexts);
    set.assertClosed();
    return set;
  }

  get urls(): string[] {
    return [...this.#contexts.keys()];
  }

  has(url: string): boolean {
    return this.#contexts.has(url);
  }

  /** The strict loader handed to jsonld.js: pinned URLs only, never I/O. */
  readonly loader = async (url: string): Promise<RemoteDocument> => {
    const pinned = this.#contexts.get(url);
    if (!pinned) throw new JsonLdContextError(`JSON-LD context ${url} is not one kparty has pinned`);
    return { contextUrl: null, documentUrl: url, document: structuredClone(pinned.document) };
  };

  /** Every context URL a pinned context refers to (scoped contexts, `@import`) is itself pinned. */
  assertClosed(): void {
    for (const { url, document } of this.#contexts.values()) {
      for (const reference of contextReferences(document)) {
        if (!this.#contexts.has(reference)) throw new JsonLdContextError(`JSON-LD context ${url} refers to ${reference}, which is not pinned`);
      }
    }
  }
}

function isAbsoluteUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'urn:';
  } catch {
    return false;
  }
}

/**
 * The context URLs a JSON value refers to: every string under an `@context`
 * key (alone or in an array) and every `@import` string, at any depth
 * (scoped contexts included). Iterative, so hostile depth cannot overflow the
 * stack; the caller has capped the size before.
 */
export function contextReferences(value: unknown): Set<string> {
  const found = new Set<string>();
  const stack: Array<{ value: unknown; inContext: boolean }> = [{ value, inContext: false }];
  while (stack.length > 0) {
    const { value: current, inContext } = stack.pop()!;
    if (typeof current === 'string') {
      if (inContext) found.add(current);
    } else if (Array.isArray(current)) {
      for (const item of current) stack.push({ value: item, inContext });
    } else if (isObject(current)) {
      for (const [key, item] of Object.entries(current)) {
        if (key === '@context') stack.push({ value: item, inContext: true });
        else if (key === '@import' && typeof item === 'string') found.add(item);
        else if (typeof item === 'object' && item !== null) stack.push({ value: item, inContext: false });
      }
    }
  }
  return found;
}
