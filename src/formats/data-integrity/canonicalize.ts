import jsonldModule from 'jsonld';
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import * as rdfCanonize from 'rdf-canonize';
import type { Quad } from 'rdf-canonize';
import type { DataIntegrityLimits } from './document-caps.js';
import type { JsonLdContextSet, RemoteDocument } from './json-ld-contexts.js';

/** The jsonld.js calls used, with the options @types/jsonld does not know (safe mode, rdfDirection). */
interface JsonLd {
  toRDF(input: unknown, options: Record<string, unknown>): Promise<Quad[]>;
  expand(input: unknown, options: Record<string, unknown>): Promise<unknown[]>;
}
const jsonld = jsonldModule as unknown as JsonLd;

/** Why a document could not be turned into RDF or canonicalised; the caller maps it to `*.malformed`. */
export class JsonLdDocumentError extends Error {}

function loaderOf(contexts: JsonLdContextSet): (url: string) => Promise<RemoteDocument> {
  return contexts.loader;
}

/** The set's own resolved-context cache instead of jsonld.js's process-wide one (json-ld-contexts.ts). */
function resolverOf(contexts: JsonLdContextSet): ContextResolver {
  return new ContextResolver({ sharedCache: contexts.resolvedContexts });
}

/** jsonld.js errors name the problem in `details.event.code` (safe mode) or `name`; kept short and never the input. */
function describe(error: unknown): string {
  const e = error as { message?: string; name?: string; details?: { event?: { code?: string; details?: { property?: string } }; code?: string } };
  const event = e.details?.event;
  if (event?.code) {
    const property = event.details?.property;
    return `JSON-LD safe mode: ${event.code}${typeof property === 'string' ? ` (${JSON.stringify(property.slice(0, 100))})` : ''}`;
  }
  const message = (e.message ?? String(error)).slice(0, 300);
  return `JSON-LD: ${message}`;
}

/**
 * Expands `document` in JSON-LD safe mode with the strict loader only:
 * undefined terms, relative IRIs and anything else expansion would silently
 * drop are refused (as the W3C Data Integrity test suites expect).
 */
export async function expandSafely(document: unknown, contexts: JsonLdContextSet): Promise<unknown[]> {
  try {
    return await jsonld.expand(document, { documentLoader: loaderOf(contexts), contextResolver: resolverOf(contexts), safe: true, base: null });
  } catch (error) {
    throw new JsonLdDocumentError(describe(error));
  }
}

/**
 * RDF Dataset Canonicalization (RDFC-1.0) of a JSON-LD document, as the rdfc
 * cryptosuites use it (eddsa-rdfc-2022, ecdsa-rdfc-2019 §3.2.x "transformation"):
 * toRDF in safe mode (i18n-datatype direction, no generalised RDF), the quad and
 * blank-node caps, then rdf-canonize bounded by `maxWorkFactor`. ecdsa-rdfc-2019 with a
 * P-384 key canonicalises with SHA-384 as RDFC-1.0's hash (W3C Data Integrity ECDSA
 * Cryptosuites v1.0, ecdsa-rdfc-2019 transformation), as Digital Bazaar's suite does.
 */
export async function canonizeRdfc(
  document: unknown,
  contexts: JsonLdContextSet,
  limits: DataIntegrityLimits,
  messageDigestAlgorithm: 'SHA-256' | 'SHA-384' = 'SHA-256',
): Promise<string> {
  let dataset: Quad[];
  try {
    dataset = await jsonld.toRDF(document, {
      documentLoader: loaderOf(contexts),
      contextResolver: resolverOf(contexts),
      safe: true,
      base: null,
      rdfDirection: 'i18n-datatype',
      produceGeneralizedRdf: false,
    });
  } catch (error) {
    throw new JsonLdDocumentError(describe(error));
  }
  if (dataset.length > limits.maxQuads) throw new JsonLdDocumentError(`the document expands to more than ${limits.maxQuads} RDF statements`);
  const blankNodes = new Set<string>();
  for (const quad of dataset) {
    for (const term of [quad.subject, quad.object, quad.graph]) if (term.termType === 'BlankNode') blankNodes.add(term.value);
  }
  if (blankNodes.size > limits.maxBlankNodes) throw new JsonLdDocumentError(`the document has more than ${limits.maxBlankNodes} blank nodes`);
  try {
    return await rdfCanonize.canonize(dataset, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      maxWorkFactor: limits.maxWorkFactor,
      messageDigestAlgorithm,
    });
  } catch (error) {
    throw new JsonLdDocumentError(`RDF canonicalisation refused: ${((error as Error).message ?? '').slice(0, 200)}`);
  }
}
