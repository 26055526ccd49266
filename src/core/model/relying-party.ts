export interface RelyingParty {
  /** Chosen by the operator; `[a-z0-9][a-z0-9._-]{0,62}`. */
  id: string;
  name: string;
  /** SHA-256 (hex) of the API key; the key itself is shown once and never stored. */
  apiKeyHash: string;
  createdAt: number;
  /**
   * The audiences (session-token `aud`, challenge `domain`) this relying party
   * owns, registered by the operator. An audience belongs to at most one
   * relying party; its policies may use only these (docs/security.md,
   * "Audiences belong to one relying party"). Sorted, no duplicates.
   */
  audiences: string[];
  /** Origins (`https://host[:port]`) an OpenID4VP `callbackUrl` of this relying party may name; operator-managed. Sorted. */
  callbackOrigins: string[];
  /** Logo shown to wallets (`client_metadata.logo_uri`); an https URL. */
  logoUri?: string;
}

/** What the operator may change on a relying party (`PATCH /v1/admin/relying-parties/{id}`); absent members stay. */
export interface RelyingPartyChange {
  name?: string;
  audiences?: string[];
  callbackOrigins?: string[];
  /** `null` removes the logo. */
  logoUri?: string | null;
  /** A rotated API key's hash: the previous key stops working at once. */
  apiKeyHash?: string;
}
