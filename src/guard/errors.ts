/**
 * Errors of the downstream guard. A token the guard refuses is a
 * {@link SessionTokenError} (RFC 6750 §3.1 `code`, a finer stable `reason`, and
 * the `WWW-Authenticate` value to answer with); when the guard cannot decide
 * because kparty cannot be reached or is misconfigured, it throws
 * {@link IssuerUnavailableError} instead, so a 503 is never mistaken for a bad token.
 */
import { bearerChallenge, dpopChallenge } from './www-authenticate.js';

/** RFC 6750 §3.1 error codes a token check can end with, and RFC 9449 §7.1 `invalid_dpop_proof`. */
export type SessionTokenErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof';

/**
 * Why a token was refused: stable, for logs and tests (the `code` alone is what
 * a client is told). `token_missing` is the only one answered without an error
 * code in `WWW-Authenticate` (RFC 6750 §3.1: a request without credentials).
 */
export type SessionTokenErrorReason =
  | 'token_missing'
  | 'authorization_malformed'
  | 'token_malformed'
  | 'token_too_large'
  | 'alg_forbidden'
  | 'typ_mismatch'
  | 'header_unsupported'
  | 'unknown_key'
  | 'signature_invalid'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'client_mismatch'
  | 'claim_missing'
  | 'claim_invalid'
  | 'inactive'
  | 'scope_missing'
  | 'dpop_required'
  | 'dpop_invalid'
  | 'dpop_replayed';

const STATUS: Record<SessionTokenErrorCode, 400 | 401 | 403> = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_dpop_proof: 401,
};

export interface SessionTokenErrorOptions {
  /** The scopes the resource requires; echoed in `WWW-Authenticate` for `insufficient_scope`. */
  requiredScopes?: readonly string[];
  /** `realm` of the `WWW-Authenticate` challenge, when the application names one. */
  realm?: string;
  cause?: unknown;
}

/** A refused session token (or a request that carries none). */
export class SessionTokenError extends Error {
  override readonly name = 'SessionTokenError';
  readonly code: SessionTokenErrorCode;
  readonly reason: SessionTokenErrorReason;
  /** HTTP status to answer: 400, 401 or 403 (RFC 6750 §3.1). */
  readonly status: 400 | 401 | 403;
  /** Safe to show a client: written by the guard, never a library's message. */
  readonly description: string;
  /** For `insufficient_scope`: every scope the resource requires. */
  readonly requiredScopes: readonly string[] | undefined;
  /** The value of the `WWW-Authenticate` response header (RFC 6750 §3). */
  readonly wwwAuthenticate: string;

  constructor(code: SessionTokenErrorCode, reason: SessionTokenErrorReason, description: string, options: SessionTokenErrorOptions = {}) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = reason;
    this.status = STATUS[code];
    this.description = description;
    this.requiredScopes = options.requiredScopes;
    const challenge = code === 'invalid_dpop_proof' || reason === 'dpop_required' ? dpopChallenge : bearerChallenge;
    this.wwwAuthenticate = challenge({
      realm: options.realm,
      // RFC 6750 §3.1: a request without any credentials gets a challenge without an error code.
      error: reason === 'token_missing' ? undefined : code,
      description: reason === 'token_missing' ? undefined : description,
      scope: code === 'insufficient_scope' ? options.requiredScopes : undefined,
    });
  }

  /** The same error with the application's realm in its challenge. */
  withRealm(realm: string | undefined): SessionTokenError {
    if (realm === undefined) return this;
    return new SessionTokenError(this.code, this.reason, this.description, { realm, requiredScopes: this.requiredScopes, cause: this.cause });
  }
}

/** Why kparty could not be asked: unreachable, too slow, an unexpected answer, or metadata naming another issuer. */
export type IssuerUnavailableReason = 'unreachable' | 'bad_response' | 'issuer_mismatch' | 'endpoint_missing' | 'client_unauthorized';

/**
 * The guard could not verify the token because of kparty or its own
 * configuration, not because of the token: answer 503 and fail closed.
 */
export class IssuerUnavailableError extends Error {
  override readonly name = 'IssuerUnavailableError';
  readonly code = 'issuer_unavailable' as const;
  readonly reason: IssuerUnavailableReason;
  readonly status = 503 as const;

  constructor(reason: IssuerUnavailableReason, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
  }
}
