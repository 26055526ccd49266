/**
 * What the relying party may see of a credential that answered a query: data
 * minimisation per DCQL (OpenID4VP 1.0 §6.4.1, "Selecting Claims").
 *
 * - A query with `claims`: only what its claims paths select, rebuilt as a
 *   nested object from the document root, e.g. `["credentialSubject",
 *   "email"]` → `{ "credentialSubject": { "email": "…" } }`. A claim with
 *   `values` discloses only the selected values that are accepted (the
 *   relying party asked whether the holder is an admin, not for every role).
 *   JSON nulls are not disclosed (see rules/claims.ts).
 * - Arrays are rebuilt compact: the selected elements, in document order.
 *   `["roles", 2]` discloses `{ "roles": ["third role"] }` and
 *   `["degrees", null, "type"]` an array of `{ "type": … }` objects, one per
 *   degree that has a type. Positions are not kept: keeping them would need
 *   placeholders that reveal how many elements were withheld. Paths that
 *   select inside the same element merge into one object.
 * - A query without `claims` asks for all claims ("If claims is absent, the
 *   Verifier requests all claims" for formats without selective disclosure;
 *   an SD-JWT VC discloses only what the wallet chose to disclose anyway):
 *   the format says what that is (`CredentialFormat.allClaims`): the W3C
 *   formats disclose the whole `credentialSubject` (as
 *   `{ "credentialSubject": … }`, the same shape as above), SD-JWT VC the
 *   whole disclosed document.
 *
 * Everything returned is a copy: changing it cannot change the credential.
 */
import type { ClaimQuery, CredentialQuery } from '../../core/model/policy.js';
import type { ParsedCredential } from '../../core/model/presentation.js';
import type { CredentialFormat } from '../../formats/format-handler.js';
import { credentialFormat as registeredFormat } from '../../formats/registered-formats.js';
import { type ClaimPointer, locateClaims } from './claims-path.js';
import { cloneJson, type JsonObject, setOwn } from './json-data.js';
import { isAcceptedValue } from './rules/claims.js';

/** A node of the disclosure being built: a whole value, or the selected parts of a container. */
type DisclosureNode = { value: unknown } | { children: Map<string | number, DisclosureNode>; array: boolean };

function container(array: boolean): DisclosureNode {
  return { children: new Map(), array };
}

/** Adds `value` at `pointer` under `root`; a whole value already above it wins. */
function insert(root: DisclosureNode, pointer: ClaimPointer, value: unknown): void {
  let node = root;
  for (const [depth, key] of pointer.entries()) {
    if ('value' in node) return; // an enclosing value is disclosed whole already
    const last = depth === pointer.length - 1;
    if (last) {
      node.children.set(key, { value });
      return;
    }
    let child = node.children.get(key);
    if (child === undefined) {
      child = container(typeof pointer[depth + 1] === 'number');
      node.children.set(key, child);
    }
    node = child;
  }
}

function build(node: DisclosureNode): unknown {
  if ('value' in node) return cloneJson(node.value);
  if (node.array) {
    return [...node.children.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([, child]) => build(child));
  }
  const object: JsonObject = {};
  for (const [key, child] of node.children) setOwn(object, String(key), build(child));
  return object;
}

function selectedForDisclosure(document: unknown, claim: ClaimQuery): Array<{ pointer: ClaimPointer; value: unknown }> {
  return locateClaims(document, claim.path).filter(({ value }) => value !== null && isAcceptedValue(value, claim.values));
}

/** The claims of `credential` the relying party may see, having answered `query` (see above). */
export function discloseClaims(
  credential: ParsedCredential,
  query: CredentialQuery,
  lookup: (id: string) => CredentialFormat | undefined = registeredFormat,
): JsonObject {
  const document = credential.document;
  if (!query.claims) {
    // "All claims" is the format's to say; a format kparty does not know discloses nothing.
    const format = lookup(credential.format);
    return format ? cloneJson(format.allClaims(credential)) : {};
  }
  const root = container(false);
  for (const claim of query.claims) {
    for (const { pointer, value } of selectedForDisclosure(document, claim)) insert(root, pointer, value);
  }
  return build(root) as JsonObject;
}
