import type { JWK } from 'jose';

/**
 * The parts of a DID document (W3C DID Core 1.0 §5,
 * https://www.w3.org/TR/did-core/#core-properties) that verification reads.
 *
 * These types describe what a well-formed document looks like; they are not a
 * guarantee. A document from the network (did:web) is attacker-controlled
 * JSON, so code that reads one (src/did/select-verification-keys.ts) checks every
 * shape at run time instead of trusting these types.
 */

/** Verification relationships, DID Core §5.3. */
export const VERIFICATION_RELATIONSHIPS = ['authentication', 'assertionMethod', 'keyAgreement', 'capabilityInvocation', 'capabilityDelegation'] as const;
export type VerificationRelationship = (typeof VERIFICATION_RELATIONSHIPS)[number];

/**
 * A verification method, DID Core §5.2. The key is in exactly one of
 * `publicKeyJwk` (JsonWebKey2020 / JsonWebKey), `publicKeyMultibase`
 * (Multikey, Ed25519VerificationKey2020) or the older `publicKeyBase58`
 * (Ed25519VerificationKey2018, EcdsaSecp256k1VerificationKey2019, …).
 */
export interface VerificationMethod {
  /** A DID URL, normally `<did>#<fragment>`; relative `#fragment` ids are resolved against the document id. */
  id: string;
  type: string;
  controller: string;
  publicKeyJwk?: JWK;
  publicKeyMultibase?: string;
  publicKeyBase58?: string;
}

/** A relationship entry: a reference (DID URL) to a method, or an embedded method. */
export type VerificationMethodEntry = string | VerificationMethod;

export interface DidDocument {
  '@context'?: string | Array<string | Record<string, unknown>>;
  /** The DID this document describes; resolution refuses a document whose id differs from the DID asked for. */
  id: string;
  controller?: string | string[];
  alsoKnownAs?: string[];
  verificationMethod?: VerificationMethod[];
  authentication?: VerificationMethodEntry[];
  assertionMethod?: VerificationMethodEntry[];
  keyAgreement?: VerificationMethodEntry[];
  capabilityInvocation?: VerificationMethodEntry[];
  capabilityDelegation?: VerificationMethodEntry[];
  service?: unknown[];
}
