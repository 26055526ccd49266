import type { CredentialFormat } from './policy.js';

/**
 * The format-neutral view of a presentation and its credentials, produced by
 * a format handler (src/formats/) and read by the checks and the policy
 * evaluation. Nothing here has been verified yet: a parsed object only says
 * what the bytes claim.
 */

/** A JWS as found in the input, with what its protected header says. */
export interface ParsedJws {
  /** The compact serialization, verified later against the signer's key. */
  compact: string;
  alg: string;
  /** `kid` header: a DID URL naming the verification method, or absent. */
  kid?: string;
  typ?: string;
  /** Header names listed in `crit`, if any. */
  crit?: string[];
}

/** Where the issuer signed the credential and what it asserts. */
export interface ParsedCredential {
  format: CredentialFormat;
  /** Position in the presentation, used as the `path` of failures: `credentials[0]`. */
  path: string;
  /** Issuer DID (`iss` / `issuer`). */
  issuer: string;
  /** Subject DID (`sub` / `credentialSubject.id`), when there is one. */
  subject?: string;
  /** W3C `type` values, e.g. ["VerifiableCredential", "EmployeeCredential"]; SD-JWT VC: [vct]. */
  types: string[];
  /**
   * The document DCQL claims paths select from (OpenID4VP 1.0 §7): the W3C
   * credential object (VC-DM 1.1: the `vc` claim with the JWT claims mapped in;
   * VC-DM 2.0: the payload), or the SD-JWT VC's disclosed claims.
   */
  document: Record<string, unknown>;
  /** Seconds since the epoch: issuance (`iat`/`nbf`/`issuanceDate`/`validFrom`). */
  issuedAt?: number;
  /** Not valid before (`nbf` / `validFrom`). */
  notBefore?: number;
  /** Not valid after (`exp` / `validUntil` / `expirationDate`). */
  expiresAt?: number;
  /** `credentialStatus` entries (W3C) or the `status` claim (SD-JWT VC), as found. */
  status: unknown[];
  jws: ParsedJws;
  /** X.509-signed credentials: base64url key identifiers of the validated chain, anchor included (DCQL `trusted_authorities` `aki`). */
  x509KeyIds?: string[];
}

export type PresentationFormat = 'jwt_vp_json' | 'vp+jwt' | 'dc+sd-jwt' | 'ldp_vp';

export interface ParsedPresentation {
  format: PresentationFormat;
  /** The holder DID that signed the presentation (`iss` / `holder` / key binding). */
  holder?: string;
  /** The challenge, read from inside the presentation (`nonce`). */
  nonce?: string;
  /** `aud` values (a string becomes one entry). */
  audience: string[];
  issuedAt?: number;
  notBefore?: number;
  expiresAt?: number;
  jws: ParsedJws;
  credentials: ParsedCredential[];
}
