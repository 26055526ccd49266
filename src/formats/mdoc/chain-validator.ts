import { validateCertificateChain, type ChainOptions, type ChainValidation, type TrustAnchorStore } from '../../trust/index.js';

/**
 * Certificate-path validation as mdoc code receives it: src/trust's
 * `validateCertificateChain` with the anchors (KPARTY_TRUST_ANCHORS) bound,
 * passed in as a function so the verification stays a pure function of its
 * inputs.
 */
export type ChainValidator = (chainDer: readonly Uint8Array[], options: ChainOptions) => ChainValidation;

export function anchoredChainValidator(anchors: TrustAnchorStore): ChainValidator {
  return (chainDer, options) => validateCertificateChain(chainDer, anchors, options);
}

export type { ChainOptions, ChainValidation };
