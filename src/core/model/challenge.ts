/** A single-use challenge nonce bound to a policy (docs/api.md, `POST /v1/challenges`). */
export interface Challenge {
  /** ≥128 bits of randomness, base64url. */
  nonce: string;
  policyId: string;
  /** The audience the presentation must name (`aud` / `proof.domain`). */
  domain: string;
  /**
   * Who owned the policy when the challenge was issued (relying-party id or `@operator`): a policy deleted and
   * re-created by someone else since then refuses the challenge (issue 11). Absent on challenges stored before.
   */
  policyOwner?: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  expiresAt: number;
}
