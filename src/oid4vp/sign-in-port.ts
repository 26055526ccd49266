/**
 * The sign-in use case as the OpenID4VP response endpoint calls it: the
 * interface fixed for the submission refactor (issue 10, src/signin/sign-in.ts
 * and src/verification/submission.ts once merged). Until then this file holds
 * the same shapes, and the composition root passes an adapter over today's
 * verification (src/oid4vp/challenge-sign-in.ts).
 */

/** One presentation of a submission; `queryId` is the DCQL credential query id it answers (the vp_token key). */
export interface SubmittedPresentation {
  queryId?: string;
  input: unknown;
}

/** N presentations answering one challenge. */
export interface Submission {
  presentations: SubmittedPresentation[];
}

/** What every presentation of a submission must be bound to, supplied by the door (never read from the input). */
export type SubmissionBinding =
  | { kind: 'challenge' }
  /**
   * OpenID4VP 1.0: the request's nonce (single use enforced by the request's state transition), audience = the full
   * client_id, and the mdoc SessionTranscript inputs (OpenID4VP 1.0 Appendix B.2.6.1): client_id, nonce, the JWK
   * thumbprint of the response-encryption key (direct_post.jwt only) and response_uri.
   */
  | { kind: 'oid4vp'; nonce: string; clientId: string; responseUri: string; responseEncryptionJwkThumbprint?: Uint8Array };

export interface SignInRequest {
  policyId: string;
  submission: Submission;
  binding: SubmissionBinding;
  requestId?: string;
  /** The relying party that authenticated the call, if any. */
  clientId?: string;
  /** RFC 9449 thumbprint the session is bound to (OpenID4VP `dpopJkt`). */
  dpopJkt?: string;
}

export interface SignInSuccess {
  verified: true;
  holder: string;
  credentials: Array<{
    format: string;
    issuer: string;
    type: string[];
    subject?: string;
    claims: Record<string, unknown>;
    status: string;
    statusMessages?: unknown[];
  }>;
  session: { token: string; tokenType: 'Bearer' | 'DPoP'; expiresIn: number; scope: string; refreshToken?: string };
}

/** Rejection: throws KpartyError('presentation.rejected', …, { errors }). */
export interface SignInPort {
  signIn(request: SignInRequest): Promise<SignInSuccess>;
}
