export interface RelyingParty {
  /** Chosen by the operator; `[a-z0-9][a-z0-9._-]{0,62}`. */
  id: string;
  name: string;
  /** SHA-256 (hex) of the API key; the key itself is shown once and never stored. */
  apiKeyHash: string;
  createdAt: number;
}
