/**
 * A presentation policy (docs/api.md "Presentation policies"): a DCQL query (OpenID4VP 1.0 §6) plus trust
 * rules plus a session mapping. The JSON Schema in
 * schemas/presentation-policy.schema.json is the source of truth; these types
 * describe what passes it.
 */

/**
 * A credential format id a policy may ask for (DCQL `format`): the policy
 * schema's enum lists them, and src/formats/ answers what each one means.
 */
export type CredentialFormatId = string;

/** A DCQL claims path: strings select object keys, integers array elements, null every element. */
export type ClaimPath = Array<string | number | null>;

export interface ClaimQuery {
  id?: string;
  path: ClaimPath;
  /** When present, the claim's value must equal one of these. */
  values?: Array<string | number | boolean>;
  /** mso_mdoc (OpenID4VP 1.0 Appendix B.2.4): the relying party keeps the value; passed to the wallet. */
  intent_to_retain?: boolean;
}

/** A `trustedIssuers` entry that pins the issuer's public keys (no DID resolution, no metadata fetch). */
export interface PinnedIssuerEntry {
  id: string;
  jwks: { keys: Array<Record<string, unknown>> };
}

export type TrustedIssuerEntry = string | PinnedIssuerEntry;

/** DCQL `trusted_authorities` entry; kparty supports `aki` (base64url key identifiers of the X.509 chain). */
export interface TrustedAuthority {
  type: 'aki';
  values: string[];
}

export interface CredentialQuery {
  /** DCQL credential query id; referenced by `session.claims`. */
  id: string;
  format: CredentialFormatId;
  meta?: {
    /** W3C formats: the credential's `type` must contain every type of at least one inner array. */
    type_values?: string[][];
    /** SD-JWT VC: the credential's `vct` must be one of these. */
    vct_values?: string[];
  };
  claims?: ClaimQuery[];
  /**
   * Issuer DIDs (exact) or `did:web:` domain patterns, issuer URLs, `x509_hash:` identifiers, or pinned keys
   * (`{ id, jwks }`); `["*"]` means any issuer. Optional only when `trusted_authorities` is given.
   */
  trustedIssuers?: TrustedIssuerEntry[];
  /** DCQL trusted authorities (OpenID4VP 1.0 §6.1.1): type `aki` only; handed to wallets too. */
  trusted_authorities?: TrustedAuthority[];
  /** Oldest accepted issuance (`iat`/`nbf`/`validFrom`), in seconds. */
  maxAgeSeconds?: number;
  /** Status-list handling: `required` fails closed (default), `optional`, `ignore`. */
  status?: 'required' | 'optional' | 'ignore';
}

export interface SessionMapping {
  /** Session token lifetime; default KPARTY_SESSION_TTL, never above KPARTY_SESSION_MAX_TTL. */
  ttlSeconds?: number;
  /** Space-separated OAuth scope put in the token. */
  scope?: string;
  /** Session-token claim name → [credential query id, ...claims path]. */
  claims?: Record<string, [string, ...ClaimPath]>;
  /**
   * The credential query whose presentation's holder is the session's
   * subject, when the presentations are bound to different holders (an mdoc
   * and an SD-JWT VC bound to different keys). Needed only then.
   */
  subjectFrom?: string;
}

export interface PresentationPolicy {
  id: string;
  /** `aud` of the session token and the `domain` a presentation must name. */
  audience: string;
  credentials: CredentialQuery[];
  /** DCQL credential sets: which combinations of credential queries satisfy the policy. */
  credential_sets?: Array<{ options: string[][]; required?: boolean }>;
  /** `required` (default): the presentation's signer must be each credential's subject. */
  holderBinding?: 'required' | 'none';
  session?: SessionMapping;
}

/** Who owns a stored policy: a relying party id, or the operator for policy files. */
export const OPERATOR_OWNER = '@operator';

export interface StoredPolicy {
  policy: PresentationPolicy;
  /** Relying-party id, or OPERATOR_OWNER. */
  owner: string;
  createdAt: number;
  updatedAt: number;
}
