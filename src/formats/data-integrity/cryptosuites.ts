import { createHash } from 'node:crypto';
import type { VerificationKey } from '../../crypto/verification-key.js';

/**
 * The Data Integrity cryptosuites kparty verifies, as their W3C specifications
 * define the verify-side "transformation" and "hashing" steps:
 *
 * - `eddsa-rdfc-2022`, `eddsa-jcs-2022` — W3C Data Integrity EdDSA Cryptosuites
 *   v1.0 §3.2/§3.3: Ed25519 keys; SHA-256 of the canonical proof configuration
 *   followed by SHA-256 of the canonical document, signed as is (64 bytes).
 * - `ecdsa-rdfc-2019`, `ecdsa-jcs-2019` — W3C Data Integrity ECDSA Cryptosuites
 *   v1.0 §3.2/§3.3: P-256 keys hash with SHA-256, P-384 keys with SHA-384; the
 *   concatenation is signed with ECDSA (IEEE P1363 r‖s).
 *
 * `rdfc` transforms with RDFC-1.0 over JSON-LD (canonicalize.ts), `jcs` with
 * RFC 8785. `Ed25519Signature2020` and `ecdsa-sd-2023`/`bbs-2023` (selective
 * disclosure) are not implemented: they are refused as unknown suites.
 */
export type Transformation = 'rdfc' | 'jcs';

export interface Cryptosuite {
  name: string;
  transformation: Transformation;
  /** The JWS algorithm name the key must allow and node:crypto verifies with, or null when the key does not fit the suite. */
  algorithmFor(key: VerificationKey): { alg: string; hash: 'sha256' | 'sha384' } | null;
}

function eddsa(key: VerificationKey): { alg: string; hash: 'sha256' } | null {
  return key.jwk.kty === 'OKP' && key.jwk.crv === 'Ed25519' && key.algorithms.includes('Ed25519') ? { alg: 'Ed25519', hash: 'sha256' } : null;
}

function ecdsa(key: VerificationKey): { alg: string; hash: 'sha256' | 'sha384' } | null {
  if (key.jwk.kty !== 'EC') return null;
  if (key.jwk.crv === 'P-256' && key.algorithms.includes('ES256')) return { alg: 'ES256', hash: 'sha256' };
  if (key.jwk.crv === 'P-384' && key.algorithms.includes('ES384')) return { alg: 'ES384', hash: 'sha384' };
  return null;
}

export const CRYPTOSUITES: ReadonlyMap<string, Cryptosuite> = new Map(
  [
    { name: 'eddsa-rdfc-2022', transformation: 'rdfc', algorithmFor: eddsa },
    { name: 'eddsa-jcs-2022', transformation: 'jcs', algorithmFor: eddsa },
    { name: 'ecdsa-rdfc-2019', transformation: 'rdfc', algorithmFor: ecdsa },
    { name: 'ecdsa-jcs-2019', transformation: 'jcs', algorithmFor: ecdsa },
  ].map((suite) => [suite.name, suite as Cryptosuite]),
);

/** hash(canonical proof configuration) ‖ hash(canonical document): the bytes the suite signs. */
export function hashData(hash: 'sha256' | 'sha384', canonicalProofConfig: string, canonicalDocument: string): Uint8Array {
  const proofHash = createHash(hash).update(canonicalProofConfig).digest();
  const documentHash = createHash(hash).update(canonicalDocument).digest();
  return Buffer.concat([proofHash, documentHash]);
}
