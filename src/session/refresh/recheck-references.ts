import type { CredentialQuery } from '../../core/model/policy.js';
import type { RecheckReference } from '../../core/ports/session-family-store.js';

/** What a sign-in knows of a verified credential that a later re-check may use. */
export interface VerifiedCredentialFacts {
  issuer: string;
  /** Status entries as the credential carried them. */
  status: readonly unknown[];
  /** `exp` / `validUntil`, seconds since the epoch. */
  expiresAt?: number;
}

/**
 * The re-check references of a sign-in: per credential query the policy
 * matched, the credential's issuer, status entries and end of validity, with
 * the query's `status` setting — nothing else of the credential (no claims,
 * no subject data, no signature).
 */
export function recheckReferencesOf(queries: readonly CredentialQuery[], matches: Readonly<Record<string, VerifiedCredentialFacts>>): RecheckReference[] {
  const references: RecheckReference[] = [];
  for (const query of queries) {
    const credential = Object.hasOwn(matches, query.id) ? matches[query.id] : undefined;
    if (!credential) continue;
    references.push({
      issuer: credential.issuer,
      status: structuredClone([...credential.status]),
      statusSetting: query.status ?? 'required',
      ...(credential.expiresAt !== undefined ? { expiresAt: credential.expiresAt } : {}),
    });
  }
  return references;
}
