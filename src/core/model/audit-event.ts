/** What a verification decided (docs/api.md, `GET /v1/admin/audit`). */
export type AuditOutcome = 'accepted' | 'rejected';

/**
 * One verification decision of the relying party's policy, as the audit log
 * keeps it. It records who was decided about and why — never the credentials,
 * their claims or the presentation itself: the audit log must not become a
 * second copy of personal data.
 */
export interface AuditEvent {
  /**
   * Unique and ordered like `time` (a ULID: 48-bit millisecond time, then 80
   * random bits, Crockford base32). Listing is newest first by id, and an id is
   * the paging cursor. Events of the same millisecond are in a fixed but
   * arbitrary order.
   */
  id: string;
  /** When the decision was made, milliseconds since the epoch. */
  time: number;
  /** The owner of the policy: a relying-party id, or `@operator` (OPERATOR_OWNER). */
  owner: string;
  policyId: string;
  outcome: AuditOutcome;
  /**
   * The holder DID, or an RFC 9278 JWK thumbprint URI for a holder known only
   * by its key. On a rejected decision it is what the presentation claimed,
   * possibly unverified.
   */
  holder?: string;
  /** Presentation format, e.g. `jwt_vp_json`, `dc+sd-jwt`. */
  format?: string;
  /** Codes of the failed checks (CheckCode values), each once; empty when accepted. */
  codes: string[];
  /** Issuer DIDs of the presented credentials (unverified on a rejected decision). */
  credentialIssuers?: string[];
  /** The HTTP request's id (`X-Request-Id`), to find its log lines. */
  requestId?: string;
}
