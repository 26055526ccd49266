export { TrustAnchorStore, MAX_TRUST_ANCHORS } from './trust-anchors.js';
export {
  validateCertificateChain,
  x509HashIdentifier,
  MAX_CHAIN_LENGTH,
  MDL_DS_EKU,
  type ChainOptions,
  type ChainPurpose,
  type ChainValidation,
} from './certificate-chain.js';
