/**
 * Issuing status lists, for tests and the demo issuer: build a list, set
 * entries, publish it as a signed W3C status list credential or IETF Status
 * List Token, and make the entries credentials carry.
 */
export type { StatusListSigner } from './status-list-signer.js';
export {
  BitstringStatusListBuilder,
  bitstringStatusEntry,
  issueW3cStatusListCredential,
  type W3cStatusListCredentialOptions,
} from './bitstring-status-list-issuer.js';
export { TokenStatusListBuilder, issueStatusListToken, tokenStatusReference, type StatusListTokenOptions } from './token-status-list-issuer.js';
