/**
 * The hostile corpus: a data-driven table of malformed and hostile requests,
 * each with the exact answer kparty must give. Every input path, outbound
 * fetch and stored secret added to kparty joins it (docs/security.md, "The
 * rule"): a new format or endpoint appends a file to test/hostile/corpus/ and
 * lists it in test/hostile/corpus/index.ts.
 */
import type { TestIdentity } from '../support/identities.js';
import type { InProcessKparty } from '../support/in-process-app.js';

export interface HostileRequest {
  method: string;
  url: string;
  body?: unknown;
  /** Sent as-is (with `headers`) instead of JSON-encoding `body`. */
  raw?: string;
  key?: string;
  headers?: Record<string, string>;
}

/** What a hostile request must be answered with. */
export interface HostileExpectation {
  status: number;
  /** The problem's top-level `code` (RFC 9457 answers). */
  code?: string;
  /** The RFC 6749 §5.2 `error` (the OAuth endpoints: token, introspection, revocation). */
  oauthError?: string;
  /** Codes that must appear in `errors` (verification failures). */
  errors?: string[];
  /**
   * The OpenID4VP response endpoint answers a wallet's parsable but hostile response with 200 `{}` (OpenID4VP 1.0
   * §8.2) and ends the request: `rejected` asserts that answer and that the relying party then reads the request as
   * rejected (with `errors`, when given, among its result's errors).
   */
  walletDecision?: 'rejected';
}

/** Everything an entry may build its request from; made once per run by test/hostile/hostile-context.ts. */
export interface HostileContext {
  kparty: InProcessKparty;
  operatorKey: string;
  /** An operator-owned policy trusting `issuer` for a `jwt_vc_json` EmployeeCredential. */
  policyId: string;
  /** Same, for `vc+jwt`. */
  policyV2Id: string;
  audience: string;
  issuer: TestIdentity;
  holder: TestIdentity;
  /** A relying party's key and id. */
  rpKey: string;
  rpId: string;
  /** A fresh challenge for `policy` (default: policyId). */
  challenge(policy?: string): Promise<string>;
  /** A valid VC-JWT (VC-DM 1.1) of `issuer` about `holder`, with payload changes. */
  vcJwt(change?: (payload: Record<string, unknown>) => void): Promise<string>;
  /** A valid VC-DM 2.0 `vc+jwt`, with payload changes. */
  vcJwtV2(change?: (payload: Record<string, unknown>) => void): Promise<string>;
  /** A VP-JWT of `holder` carrying `credentials` for a fresh challenge of `policy`, with payload changes (re-signed). */
  vpJwt(credentials: string[], change?: (payload: Record<string, unknown>) => void, policy?: string): Promise<string>;
  /** A `vp+jwt` (VC-DM 2.0) likewise. */
  vpJwtV2(credentials: string[], change?: (payload: Record<string, unknown>) => void, policy?: string): Promise<string>;
  /** An operator-owned `dc+sd-jwt` policy (vct `urn:hostile:employee:1`, claim `role`) trusting `sdIssuer`. */
  sdPolicyId: string;
  /** A P-256 did:key issuer of SD-JWT VCs and a P-256 holder (its `cnf` key). */
  sdIssuer: TestIdentity;
  sdHolder: TestIdentity;
  /** An operator-owned `ldp_vc` policy trusting `issuer`. */
  ldpPolicyId: string;
  /** A second relying party's key (owns nothing the corpus uses). */
  otherRpKey: string;
  /** A live refresh token of the relying party (policy hostile-rp-refresh, confidential client, Bearer). */
  refreshToken(): Promise<string>;
  /** A fresh OpenID4VP request of the relying party (policy hostile-rp-policy) with its request object's `state`. */
  oid4vpRequest(body?: Record<string, unknown>): Promise<{ id: string; requestUri: string; state: string; nonce: string; clientId: string }>;
}

export interface HostileEntry {
  /** What the attack is, in a few words (the test name). */
  name: string;
  request(context: HostileContext): Promise<HostileRequest> | HostileRequest;
  expect: HostileExpectation;
}
