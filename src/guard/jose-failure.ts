/**
 * Turns a jose failure into the guard's answer: a token problem becomes a
 * {@link SessionTokenError} with a description written here (jose's messages
 * are never shown), a key-set fetch problem an {@link IssuerUnavailableError}.
 */
import { errors } from 'jose';
import { IssuerUnavailableError, SessionTokenError, type SessionTokenErrorReason } from './errors.js';

const invalid = (reason: SessionTokenErrorReason, description: string, cause: unknown): SessionTokenError =>
  new SessionTokenError('invalid_token', reason, description, { cause });

/** What a failed claim or header check means; jose names the claim in `claim`. */
function claimFailure(error: errors.JWTClaimValidationFailed): SessionTokenError {
  const { claim, reason } = error;
  if (claim === 'typ') return invalid('typ_mismatch', 'the token is not an RFC 9068 access token (typ must be at+jwt)', error);
  if (reason === 'missing') return invalid('claim_missing', `the token lacks the required ${safeClaimName(claim)} claim`, error);
  switch (claim) {
    case 'iss':
      return invalid('issuer_mismatch', 'the token was issued by another issuer', error);
    case 'aud':
      return invalid('audience_mismatch', 'the token is not meant for this audience', error);
    case 'nbf':
      return reason === 'check_failed'
        ? invalid('not_yet_valid', 'the token is not valid yet', error)
        : invalid('claim_invalid', 'the token has an invalid nbf claim', error);
    case 'iat':
      return reason === 'check_failed'
        ? invalid('issued_in_future', 'the token was issued in the future', error)
        : invalid('claim_invalid', 'the token has an invalid iat claim', error);
    default:
      return invalid('claim_invalid', `the token has an invalid ${safeClaimName(claim)} claim`, error);
  }
}

/** Claim names come from the guard's own option list, but keep the description header-safe regardless. */
function safeClaimName(claim: string): string {
  return /^[a-z_]{1,32}$/.test(claim) ? claim : 'a';
}

/** Maps anything `jwtVerify` threw. Errors that are neither jose's nor the guard's are bugs and are rethrown as they are. */
export function fromJoseFailure(error: unknown): SessionTokenError | IssuerUnavailableError {
  if (error instanceof SessionTokenError || error instanceof IssuerUnavailableError) return error;
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? invalid('expired', 'the token is older than the accepted maximum age', error)
      : invalid('expired', 'the token has expired', error);
  }
  if (error instanceof errors.JWTClaimValidationFailed) return claimFailure(error);
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid('alg_forbidden', 'the token is signed with an algorithm that is not accepted', error);
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid('unknown_key', 'the token was not signed by a key the issuer publishes', error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('signature_invalid', 'the token signature is invalid', error);
  if (error instanceof errors.JOSENotSupported) return invalid('header_unsupported', 'the token uses an unsupported algorithm or header', error);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return invalid('token_malformed', 'the token is malformed', error);
  if (error instanceof errors.JWKSTimeout) return new IssuerUnavailableError('unreachable', 'fetching the issuer JWKS timed out', { cause: error });
  if (error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid || error instanceof errors.JOSEError) {
    // jose reports a non-200 or non-JSON key-set answer as a generic JOSEError.
    return new IssuerUnavailableError('bad_response', 'the issuer JWKS could not be used', { cause: error });
  }
  throw error;
}
