/** A single-use challenge nonce bound to a policy (docs/api.md, `POST /v1/challenges`). */
export interface Challenge {
  /** ≥128 bits of randomness, base64url. */
  nonce: string;
  policyId: string;
  /** The audience the presentation must name (`aud` / `proof.domain`). */
  domain: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  expiresAt: number;
}
