/**
 * The format-neutral view of a presentation and its credentials, produced by
 * a format handler (src/formats/, see docs/architecture.md "Format handlers")
 * and read by the checks and the policy evaluation. Nothing here has been
 * verified yet: a parsed object only says what the bytes claim. Format names
 * are plain strings here: only src/formats/ knows what they mean.
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

/**
 * Where the key that checks a proof comes from:
 * - `did`: a DID kparty resolves before the proofs are checked (the
 *   "resolve DIDs" check); the format's proof verification receives the
 *   resolved document;
 * - `format`: the format finds the key itself (an inline `cnf.jwk`, an X.509
 *   chain to a trust anchor, issuer metadata, keys pinned in the policy).
 */
export type KeySource = { kind: 'did'; did: string } | { kind: 'format' };

/** Which credential of a submission: presentation index, then credential index within it. */
export interface CredentialRef {
  readonly presentation: number;
  readonly credential: number;
}

/** A credential status reference, for the status-checker registry (src/status/). */
export interface StatusReference {
  /** The entry as found: a W3C `credentialStatus` entry, the SD-JWT VC `status` claim, an mdoc MSO `status`. */
  entry: unknown;
  /** Where it is, for failures: `credentials[0].credentialStatus[1]`. */
  path: string;
}

/** One place in a credential naming who it is about / who holds it. */
export interface HolderBindingSubject {
  /** The holder named there (a DID, or an RFC 9278 JWK thumbprint URI); undefined when that place names none. */
  id?: string;
  /** Where it is, for failures: `credentials[0].credentialSubject[1]`, `credentials[0].cnf`. */
  path: string;
}

/** Where the issuer signed the credential and what it asserts. */
export interface ParsedCredential {
  /** Credential format id (policy `format`, OpenID4VP 1.0 format identifier where there is one). */
  format: string;
  /** Which credential of the submission this is. */
  ref: CredentialRef;
  /** Position in the submission, used as the `path` of failures: `credentials[0]`. */
  path: string;
  /** The DCQL credential query the wallet presented it for (OpenID4VP `vp_token` key), when it said. */
  queryId?: string;
  /** Issuer identifier: a DID, an `iss` URL, or `x509_hash:<base64url SHA-256 of the leaf DER>`. */
  issuer: string;
  /** How the issuer's key is found. */
  issuerKey: KeySource;
  /** Subject (`sub` / first `credentialSubject.id`), when there is one. */
  subject?: string;
  /**
   * Every place the credential names its holder: each W3C `credentialSubject`
   * (its `id`), or the confirmation key (SD-JWT VC `cnf`, mdoc `deviceKey`).
   * Under `holderBinding: required` every entry must name the presentation's holder.
   */
  holderBinding: HolderBindingSubject[];
  /** W3C `type` values, e.g. ["VerifiableCredential", "EmployeeCredential"]; SD-JWT VC: [vct]; mdoc: [docType]. */
  types: string[];
  /**
   * The document DCQL claims paths select from (OpenID4VP 1.0 §7): the W3C
   * credential object (VC-DM 1.1: the `vc` claim with the JWT claims mapped in;
   * VC-DM 2.0: the payload), the SD-JWT VC's disclosed claims, the mdoc's
   * namespaces. Only disclosed claims.
   */
  document: Record<string, unknown>;
  /** Seconds since the epoch: issuance (`iat`/`nbf`/`issuanceDate`/`validFrom`). */
  issuedAt?: number;
  /** Not valid before (`nbf` / `validFrom`). */
  notBefore?: number;
  /** Not valid after (`exp` / `validUntil` / `expirationDate`). */
  expiresAt?: number;
  /** Status references, each with its path. */
  status: StatusReference[];
  /** X.509 subject key identifiers (base64url) of the issuer's validated chain, for DCQL `trusted_authorities` `aki`; set by the format's proof check. */
  issuerKeyIds?: string[];
  /** The format's own parsed form (a JWS, a COSE_Sign1, a JSON-LD proof): read only by the format's handler. */
  proof: unknown;
}

/**
 * Where a presentation carries its challenge and audience:
 * - `stated`: inside the presentation (VP-JWT `nonce`/`aud`, KB-JWT, Data
 *   Integrity `challenge`/`domain`); the challenge and audience checks
 *   compare them with what the submission must be bound to;
 * - `proved`: only the holder's proof covers them (mdoc DeviceAuth over the
 *   OpenID4VP SessionTranscript); the format's holder-proof verification
 *   checks them against the expected binding.
 */
export type ChallengeLocation = { kind: 'stated'; nonce?: string; audience: string[] } | { kind: 'proved' };

export interface ParsedPresentation {
  /** Presentation format id (`jwt_vp_json`, `vp+jwt`, …). */
  format: string;
  /** Index in the submission. */
  index: number;
  /** Where failures about the presentation itself are reported: `presentation`, `vpToken.employee[0]`. */
  path: string;
  /** The DCQL credential query this presentation answers (OpenID4VP `vp_token` key), when given. */
  queryId?: string;
  /** The holder that signed the presentation: a DID, or an RFC 9278 JWK thumbprint URI. */
  holder?: string;
  /** How the holder's key is found; absent when the presentation names no holder key. */
  holderKey?: KeySource;
  challenge: ChallengeLocation;
  issuedAt?: number;
  notBefore?: number;
  expiresAt?: number;
  credentials: ParsedCredential[];
  /** The format's own parsed form, read only by the format's handler. */
  proof: unknown;
}
