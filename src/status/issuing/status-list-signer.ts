import type { CryptoKey, JWK, KeyObject } from 'jose';

/**
 * Who signs a published status list: a DID, the verification method (`kid`,
 * a DID URL of that DID, listed in its assertionMethod) and the private key,
 * in any form jose's `sign` accepts.
 */
export interface StatusListSigner {
  did: string;
  kid: string;
  /** JWS algorithm fitting the key: `EdDSA`, `ES256`, … */
  alg: string;
  key: CryptoKey | KeyObject | JWK | Uint8Array;
}
