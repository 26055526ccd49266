import type { JWK } from 'jose';
import type { SigningKey } from '../../core/model/signing-key.js';

/** A `signing_keys` row with its JWK columns decoded (PostgreSQL decodes jsonb itself; SQLite stores text). */
export interface SigningKeyRow {
  kid: string;
  alg: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: number;
  activates_at: number;
  retired_at: number | null;
  expires_at: number | null;
}

export function toSigningKey(row: SigningKeyRow): SigningKey {
  return {
    kid: row.kid,
    // Only the adapters write the column, from a SigningKey.
    alg: row.alg as SigningKey['alg'],
    privateJwk: row.private_jwk,
    publicJwk: row.public_jwk,
    createdAt: row.created_at,
    activatesAt: row.activates_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
  };
}
