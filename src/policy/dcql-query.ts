import type { ClaimPath, PresentationPolicy } from '../core/model/policy.js';

/** A DCQL query (OpenID4VP 1.0 §6) as a wallet reads it: the policy without kparty's trust and session rules. */
export interface DcqlQuery {
  credentials: Array<{
    id: string;
    format: string;
    meta: { type_values?: string[][]; vct_values?: string[]; doctype_value?: string };
    claims?: Array<{ id?: string; path: ClaimPath; values?: Array<string | number | boolean>; intent_to_retain?: boolean }>;
    /** DCQL trusted authorities (OpenID4VP 1.0 §6.1.1), so a wallet picks a credential kparty will trust. */
    trusted_authorities?: Array<{ type: string; values: string[] }>;
    /** OpenID4VP 1.0 §6.1 (default true); stated when the policy requires holder binding. */
    require_cryptographic_holder_binding?: boolean;
  }>;
  credential_sets?: Array<{ options: string[][]; required?: boolean }>;
}

export function toDcqlQuery(policy: PresentationPolicy): DcqlQuery {
  const query: DcqlQuery = {
    credentials: policy.credentials.map((c) => ({
      id: c.id,
      format: c.format,
      // DCQL requires `meta`; an empty object places no format-specific constraint.
      meta: c.meta ?? {},
      ...(c.claims ? { claims: c.claims } : {}),
      ...(c.trusted_authorities ? { trusted_authorities: c.trusted_authorities } : {}),
      ...(policy.holderBinding !== 'none' ? { require_cryptographic_holder_binding: true } : {}),
    })),
  };
  if (policy.credential_sets) query.credential_sets = policy.credential_sets;
  return query;
}
