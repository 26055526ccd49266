/**
 * kparty/guard — accept kparty session tokens in a downstream API, without
 * any framework: `verifySessionToken`, `createSessionGuard` and the plain
 * Node middleware `kpartyMiddleware`. The NestJS guard is in `kparty/guard/nestjs`.
 * See docs/downstream.md.
 */
export { verifySessionToken, type SessionClaims, type SessionTokenAlgorithm, type VerifySessionTokenOptions } from './verify-session-token.js';
export { createSessionGuard, type GuardRefusal, type SessionGuard, type SessionGuardOptions } from './session-guard.js';
export { kpartyMiddleware, type KpartyMiddleware, type KpartyMiddlewareOptions, type KpartyRequest, type NextFunction } from './middleware.js';
export { IssuerUnavailableError, SessionTokenError, type IssuerUnavailableReason, type SessionTokenErrorCode, type SessionTokenErrorReason } from './errors.js';
export { IssuerDirectory, sharedIssuerDirectory, type IssuerDirectoryOptions, type IssuerMetadata } from './issuer-directory.js';
export type { IntrospectionOptions } from './introspection.js';
export type { FetchLimits } from './bounded-fetch.js';
