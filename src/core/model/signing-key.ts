import type { JWK } from 'jose';

/** A session-token signing key pair. The private JWK stays in storage and memory only. */
export interface SigningKey {
  kid: string;
  alg: 'ES256';
  privateJwk: JWK;
  publicJwk: JWK;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Tokens are signed with the newest key whose `activatesAt` has passed and that is not retired. */
  activatesAt: number;
  /** When set, no new tokens are signed with it; published in the JWKS until `expiresAt`. */
  retiredAt: number | null;
  /** After this the key is no longer published (every token it signed has expired). */
  expiresAt: number | null;
}
