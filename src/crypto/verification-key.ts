import type { PublicJwk } from './public-jwk.js';

/**
 * A public key taken from a DID document's verification method, ready to
 * verify signatures (produced by `selectVerificationKeys` in src/did/).
 */
export interface VerificationKey {
  /** Absolute DID URL of the verification method, e.g. `did:key:z6Mk…#z6Mk…`. */
  id: string;
  /** The method's `controller` (the DID whose document listed it when absent). */
  controller: string;
  /** Key material only. */
  jwk: PublicJwk;
  /**
   * JWS `alg` values this key may verify (signature-algorithms.ts); empty for
   * a key that must never verify a signature, such as X25519.
   */
  algorithms: string[];
}
