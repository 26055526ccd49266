import { contextReferences, type JsonLdContextSet } from './json-ld-contexts.js';

/**
 * Limits applied to a Data Integrity document BEFORE any JSON-LD processing:
 * expansion and RDF canonicalisation (RDFC-1.0) of a hostile graph are CPU
 * bombs (many blank nodes that all look alike make the canonicalisation
 * algorithm's "hash N-degree quads" step exponential). Every number has a
 * config name, documented in docs/security.md.
 */
export interface DataIntegrityLimits {
  /** KPARTY_JSONLD_MAX_DEPTH, default 32: deepest nesting of arrays/objects. */
  maxDepth: number;
  /**
   * KPARTY_JSONLD_MAX_NODES, default 2000: JSON values (objects, arrays, scalars) in one document,
   * embedded credentials included. jsonld.js's toRDF grows faster than linearly with large arrays
   * (≈ 190 ms for 2000 values measured here), so this is the cap that bounds expansion.
   */
  maxNodes: number;
  /** KPARTY_JSONLD_MAX_QUADS, default 1500: RDF statements the expanded document may produce (checked before canonicalisation). */
  maxQuads: number;
  /** KPARTY_JSONLD_MAX_BLANK_NODES, default 100: distinct blank nodes in those statements. */
  maxBlankNodes: number;
  /**
   * KPARTY_RDFC_MAX_WORK_FACTOR, default 1: rdf-canonize's `maxWorkFactor` — the
   * "deep iterations" of RDFC-1.0 are capped at (non-unique blank nodes)^factor;
   * beyond that canonicalisation stops with an error instead of running on.
   */
  maxWorkFactor: number;
  /** KPARTY_DI_MAX_PROOFS, default 4: proofs one document may carry (a proof set or chain). */
  maxProofs: number;
}

export const DEFAULT_DATA_INTEGRITY_LIMITS: Readonly<DataIntegrityLimits> = Object.freeze({
  maxDepth: 32,
  maxNodes: 2000,
  maxQuads: 1500,
  maxBlankNodes: 100,
  maxWorkFactor: 1,
  maxProofs: 4,
});

export type CapOutcome = { ok: true } | { ok: false; detail: string };

/**
 * Shape caps and the context allow-list, in one iterative walk (no recursion:
 * a hostile depth cannot overflow the stack), then every `@context` /
 * `@import` reference must be a pinned context. Nothing is fetched: a
 * context outside the set is refused here, by name.
 */
export function checkDocumentCaps(document: unknown, limits: DataIntegrityLimits, contexts: JsonLdContextSet): CapOutcome {
  let nodes = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: document, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    nodes += 1;
    if (nodes > limits.maxNodes) return { ok: false, detail: `the document has more than ${limits.maxNodes} JSON values` };
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limits.maxDepth) return { ok: false, detail: `the document nests deeper than ${limits.maxDepth} levels` };
    const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  for (const url of contextReferences(document)) {
    if (!contexts.has(url)) return { ok: false, detail: `JSON-LD context ${JSON.stringify(url.slice(0, 200))} is not one kparty has pinned (never fetched)` };
  }
  return { ok: true };
}
