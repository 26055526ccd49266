/**
 * DCQL claims path pointers, processed exactly as OpenID4VP 1.0 §7.1.1
 * ("Semantics for JSON-based credentials", Processing):
 * https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#name-processing
 *
 * 1. Select the root element of the credential.
 * 2. For each component, left to right:
 *    - a string selects that key of every selected element; if any selected
 *      element is not an object, processing aborts with an error; an element
 *      without the key leaves the selection;
 *    - null selects every element of every selected array; if any selected
 *      element is not an array, processing aborts;
 *    - a non-negative integer selects that index of every selected array; if
 *      any selected element is not an array, processing aborts; an array
 *      without that index leaves the selection;
 *    - anything else aborts.
 * 3. An empty selection is an error.
 *
 * An error and an empty selection both mean "the claim is missing", so both
 * return `[]`. Note the abort rule: `["a", null, "b"]` over
 * `{"a": [{"b": 1}, 5]}` selects nothing, because `5` is not an object — the
 * spec aborts rather than dropping `5` (the dcql library drops it; see the
 * cross-check in dcql-agreement.spec.ts).
 *
 * Keys match own properties only (Object.hasOwn): `["constructor"]` does not
 * find `Object.prototype.constructor`, and a credential's own `"__proto__"`
 * key is an ordinary claim.
 */
import type { ClaimPath } from '../../core/model/policy.js';
import { isJsonObject } from './json-data.js';

/** A concrete location in a document: object keys and array indices, no wildcards. */
export type ClaimPointer = Array<string | number>;

/** One element a claims path selected, with where it was found. */
export interface LocatedClaim {
  pointer: ClaimPointer;
  value: unknown;
}

/**
 * Applies one path component to one selected element, adding what it selects
 * to `next`. Returns false when §7.1.1 says to abort processing.
 */
function step(selected: LocatedClaim, component: unknown, next: LocatedClaim[]): boolean {
  const { pointer, value } = selected;
  if (typeof component === 'string') {
    if (!isJsonObject(value)) return false;
    if (Object.hasOwn(value, component)) next.push({ pointer: [...pointer, component], value: value[component] });
    return true;
  }
  if (component === null) {
    if (!Array.isArray(value)) return false;
    value.forEach((element: unknown, index) => next.push({ pointer: [...pointer, index], value: element }));
    return true;
  }
  if (typeof component === 'number' && Number.isSafeInteger(component) && component >= 0) {
    if (!Array.isArray(value)) return false;
    if (Object.hasOwn(value, component)) next.push({ pointer: [...pointer, component], value: value[component] as unknown });
    return true;
  }
  return false;
}

/**
 * Every element `path` selects in `document`, each with its concrete location
 * (used to rebuild a minimal disclosure); `[]` when the claim is missing.
 */
export function locateClaims(document: unknown, path: ClaimPath): LocatedClaim[] {
  // A claims path pointer MUST be non-empty (§7); an empty one selects nothing.
  if (path.length === 0) return [];
  let selection: LocatedClaim[] = [{ pointer: [], value: document }];
  for (const component of path) {
    const next: LocatedClaim[] = [];
    for (const selected of selection) {
      if (!step(selected, component, next)) return [];
    }
    if (next.length === 0) return [];
    selection = next;
  }
  return selection;
}

/**
 * The values `path` selects in `document` (OpenID4VP 1.0 §7.1.1), in document
 * order; `[]` means the claim is missing. JSON `null` values are returned as
 * selected: deciding what a null claim means is the caller's business.
 */
export function selectClaims(document: unknown, path: ClaimPath): unknown[] {
  return locateClaims(document, path).map((claim) => claim.value);
}
