/** The DID layer: syntax, the method registry, did:key, did:jwk and did:web (cached), and key selection. */
export { MAX_DID_LENGTH, isDid, parseDid, splitDidUrl, type DidUrlParts, type ParsedDid } from './did-syntax.js';
export {
  VERIFICATION_RELATIONSHIPS,
  type DidDocument,
  type VerificationMethod,
  type VerificationMethodEntry,
  type VerificationRelationship,
} from './did-document.js';
export { DidResolutionError, type DidMethodResolver } from './did-method-resolver.js';
export { DidResolver, type DidResolution } from './did-resolver.js';
export { DidKeyResolver, DEFAULT_DID_KEY_CACHE_SIZE, didKeyDocument } from './methods/key.js';
export { DidJwkResolver, DEFAULT_DID_JWK_CACHE_SIZE, didJwkDocument } from './methods/jwk.js';
export { DidWebResolver, DID_DOCUMENT_MEDIA_TYPES, type DidWebResolverOptions } from './methods/web.js';
export { didWebLocation, type DidWebLocation } from './methods/web-url.js';
export { DidDocumentCache, type DidCacheLifetimes, type LoadedDidDocument } from './did-document-cache.js';
export {
  MAX_CANDIDATE_KEYS,
  selectVerificationKeys,
  type KeySelection,
  type VerificationKey,
  type VerificationKeySelection,
} from './select-verification-keys.js';
