/**
 * Session-token claims taken from the credentials (docs/api.md "Presentation policies", `session.claims`):
 * claim name → [credential query id, ...claims path].
 *
 * - The path is applied to the credential that answered that query
 *   (claims-path.ts, OpenID4VP 1.0 §7.1.1).
 * - A path without `null` selects at most one value: the claim is that value.
 *   A path with `null` (all elements of an array) gives an array, even when
 *   it selects a single element, so the claim's type does not depend on how
 *   many elements a credential happens to have.
 * - JSON nulls are left out, as everywhere in the evaluation (rules/claims.ts).
 * - A claim whose query no credential answered (an optional query) or whose
 *   path selects nothing is omitted, never set to null.
 *
 * The claim names were checked when the policy was validated (none of
 * kparty's own claims, no `__proto__`); they are still written as own
 * properties, so no name can reach a prototype.
 */
import type { ParsedCredential } from '../../core/model/presentation.js';
import type { SessionMapping } from '../../core/model/policy.js';
import { selectClaims } from './claims-path.js';
import { cloneJson, setOwn } from './json-data.js';

/** Credentials by the id of the credential query they answered. */
export type QueryMatches = Record<string, ParsedCredential>;

/** The session-token claims `mapping` takes from the credentials in `matches`. */
export function mapSessionClaims(mapping: SessionMapping['claims'], matches: QueryMatches): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, [queryId, ...path]] of Object.entries(mapping ?? {})) {
    if (!Object.hasOwn(matches, queryId)) continue;
    const credential = matches[queryId] as ParsedCredential;
    const values = selectClaims(credential.document, path).filter((value) => value !== null);
    if (values.length === 0) continue;
    setOwn(claims, name, cloneJson(path.includes(null) ? values : values[0]));
  }
  return claims;
}
