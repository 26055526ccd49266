import type { KeyObject, X509Certificate } from 'node:crypto';

/**
 * The certificate-path validation kparty's trust-anchor store provides
 * (src/trust/certificate-chain.ts `validateCertificateChain`, bound to the
 * configured anchors: KPARTY_TRUST_ANCHORS). mdoc code receives it as a
 * function so it does not care where the anchors come from.
 */
export type ChainPurpose = 'credential-issuer' | 'mdoc-document-signer' | 'status-list-signer';

export interface ChainOptions {
  /** Milliseconds since the epoch. */
  now: number;
  clockSkewSeconds: number;
  purpose: ChainPurpose;
  /** DCQL `trusted_authorities` type `aki` values (base64url key identifiers). */
  authorityKeyIds?: readonly string[];
}

export type ChainValidation =
  | { ok: true; leaf: X509Certificate; publicKey: KeyObject; issuerId: string; keyIds: string[] }
  | { ok: false; code: 'credential.issuer_untrusted' | 'credential.malformed' | 'credential.expired' | 'credential.not_yet_valid'; detail: string };

/** `validateCertificateChain(chainDer, anchors, options)` with the anchors bound. */
export type ChainValidator = (chainDer: readonly Uint8Array[], options: ChainOptions) => ChainValidation;
