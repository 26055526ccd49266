import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { RESERVED_SESSION_CLAIMS } from '../core/model/reserved-claims.js';
import { signJwt } from '../crypto/jwt-signer.js';
import type { SigningKeyRing } from './signing-key-ring.js';

/** Claims mapped values never override: the one list policy validation uses too (src/core/model/reserved-claims.ts). */
export { RESERVED_SESSION_CLAIMS } from '../core/model/reserved-claims.js';

export interface SessionRequest {
  /** Holder DID, or RFC 9278 JWK thumbprint URI for a holder known only by a key. */
  subject: string;
  /** The policy's `audience`. */
  audience: string;
  /** The relying party that owns the policy (`client_id`). */
  clientId: string;
  policyId: string;
  /** Space-separated scope; omitted from the token when empty. */
  scope?: string;
  /** The policy's `session.ttlSeconds`; default KPARTY_SESSION_TTL, capped at KPARTY_SESSION_MAX_TTL. */
  ttlSeconds?: number;
  /** Claims mapped from the credentials by the policy (`session.claims`). */
  claims?: Record<string, unknown>;
  /** RFC 9449 §6.1: the JWK SHA-256 thumbprint the token is bound to (`cnf.jkt`); the token type is then `DPoP`. */
  dpopJkt?: string;
}

export interface IssuedSession {
  token: string;
  tokenType: 'Bearer' | 'DPoP';
  expiresIn: number;
  scope: string;
  jti: string;
  expiresAt: number;
}

export interface SessionIssuerOptions {
  issuer: string;
  defaultTtl: number;
  maxTtl: number;
}

/** Mints RFC 9068 JWT access tokens ("K Party Tokens") signed with the ring's current key. */
export class SessionIssuer {
  constructor(
    private readonly keys: SigningKeyRing,
    private readonly clock: Clock,
    private readonly options: SessionIssuerOptions,
  ) {}

  async issue(request: SessionRequest): Promise<IssuedSession> {
    const ttl = Math.min(request.ttlSeconds ?? this.options.defaultTtl, this.options.maxTtl);
    if (!Number.isInteger(ttl) || ttl < 1) throw new RangeError(`session ttl must be a positive integer, got ${ttl}`);
    const iat = Math.floor(this.clock.now() / 1000);
    const jti = randomUUID();
    const scope = request.scope ?? '';
    const mapped: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(request.claims ?? {})) {
      if (!RESERVED_SESSION_CLAIMS.has(name)) mapped[name] = value;
    }
    const { kid, alg, key } = this.keys.current();
    const token = await signJwt(
      { alg, kid, typ: 'at+jwt' },
      {
        ...mapped,
        client_id: request.clientId,
        policy: request.policyId,
        ...(scope ? { scope } : {}),
        iss: this.options.issuer,
        sub: request.subject,
        aud: request.audience,
        iat,
        exp: iat + ttl,
        jti,
        ...(request.dpopJkt !== undefined ? { cnf: { jkt: request.dpopJkt } } : {}),
      },
      key,
    );
    return { token, tokenType: request.dpopJkt !== undefined ? 'DPoP' : 'Bearer', expiresIn: ttl, scope, jti, expiresAt: iat + ttl };
  }
}
