/** Signature verification shared by every format handler, and the bounded cache it uses. */
export { verifyCompactJws, type JwsVerification, type JwsVerifyOptions } from './jws-verifier.js';
export { ImportedKeyCache, DEFAULT_IMPORTED_KEY_CACHE_SIZE } from './imported-key-cache.js';
export { LruMap } from './lru.js';
export { parsePublicJwk, type PublicJwk, type EcCurve, type JwkUsage } from './public-jwk.js';
export { signatureAlgorithms } from './signature-algorithms.js';
export { jwkThumbprint } from './jwk-thumbprint.js';
export type { VerificationKey } from './verification-key.js';
