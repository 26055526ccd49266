import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../core/clock.js';
import type { SessionDenylist } from '../core/ports/session-denylist.js';
import type { SigningKeyRing } from './signing-key-ring.js';

/** Session tokens longer than this are refused before any parsing (real ones are a few hundred bytes). */
export const MAX_SESSION_TOKEN_LENGTH = 64 * 1024;

/** The claims of a valid session token (RFC 9068 §2.2, docs/api.md "Session tokens"), mapped claims included. */
export interface SessionClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  iat: number;
  exp: number;
  jti: string;
  client_id: string;
  policy: string;
  scope?: string;
}

/** Why a token is not a valid session; for logs and tests, never told to a client beyond "invalid". */
export type SessionRejection =
  'malformed' | 'unknown_key' | 'alg_forbidden' | 'signature_invalid' | 'wrong_type' | 'wrong_issuer' | 'expired' | 'claims_invalid' | 'revoked';

export type SessionVerification = { valid: true; claims: SessionClaims } | { valid: false; reason: SessionRejection };

export interface SessionVerifierOptions {
  /** `KPARTY_ISSUER`: the only `iss` accepted. */
  issuer: string;
  /** `KPARTY_CLOCK_SKEW` seconds tolerated on `exp` (and a future `iat`). */
  clockSkew: number;
}

class UnknownKey extends Error {
  override readonly name = 'UnknownKey';
}

/**
 * Verifies kparty's own session tokens, for introspection, revocation and
 * forward-auth: the JWS with a key of the ring's JWKS chosen by `kid` (never
 * a key the token supplies), ES256 only, `typ` at+jwt, `iss` =
 * `KPARTY_ISSUER`, `exp` with `KPARTY_CLOCK_SKEW`, the claims kparty always
 * sets — and then the denylist. Never throws for anything a token can cause.
 */
export class SessionVerifier {
  constructor(
    private readonly ring: SigningKeyRing,
    private readonly denylist: SessionDenylist,
    private readonly clock: Clock,
    private readonly options: SessionVerifierOptions,
  ) {}

  /**
   * Verifies `token`. With `checkRevocation: false` a revoked token still
   * verifies (revoking it again needs its claims); everything else is checked.
   */
  async verify(token: string, { checkRevocation = true }: { checkRevocation?: boolean } = {}): Promise<SessionVerification> {
    if (token.length === 0 || token.length > MAX_SESSION_TOKEN_LENGTH) return { valid: false, reason: 'malformed' };
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          const key = typeof header.kid === 'string' ? await this.ring.verificationKey(header.kid) : null;
          if (!key) throw new UnknownKey('no published session key has this kid');
          return key;
        },
        {
          algorithms: ['ES256'],
          typ: 'at+jwt',
          issuer: this.options.issuer,
          clockTolerance: this.options.clockSkew,
          currentDate: new Date(now),
          requiredClaims: ['sub', 'aud', 'iat', 'exp', 'jti'],
        },
      ));
    } catch (error) {
      return { valid: false, reason: rejectionOf(error) };
    }
    if (!hasSessionClaims(payload) || payload.iat > Math.floor(now / 1000) + this.options.clockSkew) {
      return { valid: false, reason: 'claims_invalid' };
    }
    if (checkRevocation && (await this.denylist.isRevoked(payload.jti, now))) return { valid: false, reason: 'revoked' };
    return { valid: true, claims: payload };
  }
}

function rejectionOf(error: unknown): SessionRejection {
  if (error instanceof UnknownKey) return 'unknown_key';
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'alg_forbidden';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature_invalid';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'typ') return 'wrong_type';
    if (error.claim === 'iss') return 'wrong_issuer';
    return 'claims_invalid';
  }
  return 'malformed';
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function hasSessionClaims(payload: JWTPayload): payload is SessionClaims {
  const audienceOk = isString(payload.aud) || (Array.isArray(payload.aud) && payload.aud.length > 0 && payload.aud.every(isString));
  return (
    isString(payload.sub) &&
    isString(payload.jti) &&
    audienceOk &&
    Number.isSafeInteger(payload.iat) &&
    Number.isSafeInteger(payload.exp) &&
    isString(payload.client_id) &&
    isString(payload.policy) &&
    (payload.scope === undefined || typeof payload.scope === 'string')
  );
}
