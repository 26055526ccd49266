import type { DidDocument } from './did-document.js';
import { DidResolutionError } from './did-method-resolver.js';

/**
 * Deepest nesting accepted in a fetched DID document. Real documents nest a
 * handful of levels (a JWK inside a method inside a list); the bound keeps
 * hostile JSON from exhausting the stack of code that walks it (freezing,
 * serialising for the cache).
 */
export const MAX_DID_DOCUMENT_DEPTH = 32;

/**
 * Reads a DID document fetched from the network (did:web): UTF-8 JSON, an
 * object, nested at most {@link MAX_DID_DOCUMENT_DEPTH} levels, whose `id` is
 * `did` byte for byte (DID Core §7.1.2; did:web "the id MUST match"). A
 * document for another DID is refused, so one DID can never borrow another
 * DID's keys, whatever the server answers.
 *
 * Only the shape is checked here; select-verification-keys.ts reads the keys with
 * run-time checks of their own.
 *
 * @throws DidResolutionError with a detail safe to show
 */
export function parseFetchedDidDocument(body: Uint8Array, did: string): DidDocument {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new DidResolutionError('the DID document is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DidResolutionError('the DID document is not a JSON object');
  }
  if (!nestedWithin(json, MAX_DID_DOCUMENT_DEPTH)) throw new DidResolutionError('the DID document is nested too deeply');
  if ((json as { id?: unknown }).id !== did) throw new DidResolutionError('the DID document does not describe this DID');
  return json as DidDocument;
}

/** Whether no object or array in `value` is more than `maxDepth` levels deep (iterative: no recursion on input). */
function nestedWithin(value: object, maxDepth: number): boolean {
  const pending: Array<[object, number]> = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (depth > maxDepth) return false;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return true;
}
