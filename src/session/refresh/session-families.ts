import type { Principal } from '../../admin/principal.js';
import { recordDecision, requireAuditedIfAccepted, type AuditDependencies } from '../../audit/record-decision.js';
import type { Clock } from '../../core/clock.js';
import { KpartyError, type ErrorCode } from '../../core/errors.js';
import type { PresentationPolicy } from '../../core/model/policy.js';
import type { AuditLog } from '../../core/ports/audit-log.js';
import type { SessionDenylist } from '../../core/ports/session-denylist.js';
import { isFamilyActive, type RecheckReference, type SessionFamily, type SessionFamilyStore } from '../../core/ports/session-family-store.js';
import type { SessionIssuer } from '../session-issuer.js';
import { recheckCredentials, type RecheckDependencies } from './recheck.js';
import { isRefreshTokenShaped, newFamilyId, newRefreshToken, openClaims, refreshTokenHash, sealClaims } from './refresh-token.js';

/** A policy's `session.refresh` (schemas/presentation-policy.schema.json). */
export interface RefreshSettings {
  /** Idle lifetime of each refresh token, seconds. */
  ttlSeconds: number;
  /** Lifetime of the whole session, seconds. */
  absoluteTtlSeconds: number;
  recheck: 'status' | 'none';
}

/** The audit `format` of session events: what was presented was a refresh token (or an admin's order). */
export const REFRESH_AUDIT_FORMAT = 'refresh_token';

/** Why a family ends, as recorded (`endReason`) and audited (the code). */
type EndCause = { reason: 'revoked' | 'refresh_reused' | 'recheck_failed' | 'policy_gone' | 'logout'; codes: ErrorCode[] };

export interface StartFamilyRequest {
  subject: string;
  /** The policy owner (`client_id` of the access tokens). */
  clientId: string;
  policy: PresentationPolicy;
  refresh: RefreshSettings;
  /** The access token just issued with it (its jti and expiry, seconds). */
  accessToken: { jti: string; expiresAt: number; expiresIn: number };
  scope: string;
  /** The claims the policy mapped into the access token; kept sealed. */
  claims: Record<string, unknown>;
  /** The relying party that authenticated the sign-in call, if any. */
  authenticatedClient?: string;
  /** RFC 9449 thumbprint the session is bound to, if any. */
  dpopJkt?: string;
  credentials: RecheckReference[];
}

/** A family not stored yet, and its first refresh token. */
export interface PreparedFamily {
  readonly refreshToken: string;
  readonly family: SessionFamily;
}

export interface RefreshRequest {
  refreshToken: string;
  /** The relying party that authenticated this call (RP key or client_secret_basic), if any. */
  client?: string;
  /** The key of a verified DPoP proof sent with this call, if any. */
  dpopJkt?: string;
  /** RFC 6749 §6: a narrower scope, if asked. */
  scope?: string;
  requestId?: string;
}

/** RFC 6749 §5.1 token response to a refresh. */
export interface RefreshResponse {
  access_token: string;
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  refresh_token: string;
  scope?: string;
}

/** RFC 7662 answer about a refresh token. */
export type RefreshIntrospection =
  | { active: false }
  | {
      active: true;
      token_type: 'refresh_token';
      client_id: string;
      sub: string;
      aud: string;
      iss: string;
      exp: number;
      iat: number;
      policy: string;
      scope?: string;
      cnf?: { jkt: string };
    };

export interface SessionFamiliesDependencies {
  store: SessionFamilyStore;
  denylist: SessionDenylist;
  sessions: SessionIssuer;
  clock: Clock;
  auditLog: AuditLog;
  audit: AuditDependencies;
  /** The current policy of an id (the family's policy may have been changed or deleted since sign-in). */
  findPolicy(id: string): Promise<PresentationPolicy | undefined>;
  status: RecheckDependencies['status'];
  options: {
    issuer: string;
    /** KPARTY_REFRESH_REUSE_GRACE seconds. */
    reuseGraceSeconds: number;
    /** KPARTY_CLOCK_SKEW seconds: ended families' access tokens stay denied until exp + this. */
    clockSkewSeconds: number;
  };
}

function invalidGrant(detail: string, code?: ErrorCode): KpartyError {
  return new KpartyError('oauth.invalid_grant', detail, code ? { errors: [{ code, detail }] } : {});
}

function mayManage(principal: Principal, family: SessionFamily): boolean {
  return principal.role === 'operator' || family.clientId === principal.relyingPartyId;
}

/**
 * Session families (docs/sessions.md): refresh tokens with rotation and reuse
 * detection (RFC 6749 §6, RFC 9700 §4.14.2), re-checks of the credentials a
 * session rests on, and the ways a session ends (RFC 7009 revocation, "log
 * this person out everywhere", reuse, a failed re-check). Every refusal of a
 * refresh is `oauth.invalid_grant` (or invalid_client / invalid_dpop_proof),
 * never telling a stranger more than that.
 */
export class SessionFamilies {
  constructor(private readonly deps: SessionFamiliesDependencies) {}

  /**
   * Opens a family for a sign-in the policy lets last, and returns its first
   * refresh token. RFC 9700 §4.14.2: a public client (no client
   * authentication) gets one only when the session is DPoP-bound; otherwise
   * undefined (the sign-in still succeeds, without a refresh token).
   */
  async start(request: StartFamilyRequest): Promise<string | undefined> {
    const prepared = this.prepare(request);
    if (!prepared) return undefined;
    await this.commit(prepared);
    return prepared.refreshToken;
  }

  /**
   * {@link start} in two steps, for a sign-in that must know the refresh
   * token before it audits its decision (the answer is size-checked first)
   * and store the family only once the decision is audited.
   */
  prepare(request: StartFamilyRequest): PreparedFamily | undefined {
    if (request.authenticatedClient === undefined && request.dpopJkt === undefined) return undefined;
    const now = this.deps.clock.now();
    const token = newRefreshToken();
    const id = newFamilyId();
    const family: SessionFamily = {
      id,
      clientId: request.clientId,
      subject: request.subject,
      policyId: request.policy.id,
      audience: request.policy.audience,
      scope: request.scope,
      accessTtl: request.accessToken.expiresIn,
      ...(request.authenticatedClient !== undefined ? { authenticatedClient: request.authenticatedClient } : {}),
      ...(request.dpopJkt !== undefined ? { dpopJkt: request.dpopJkt } : {}),
      recheck: request.refresh.recheck,
      idleTtl: request.refresh.ttlSeconds,
      credentials: request.credentials,
      sealedClaims: sealClaims(request.claims, token, id),
      currentTokenHash: refreshTokenHash(token),
      generation: 0,
      createdAt: now,
      idleExpiresAt: now + request.refresh.ttlSeconds * 1000,
      absoluteExpiresAt: now + request.refresh.absoluteTtlSeconds * 1000,
      accessTokens: [{ jti: request.accessToken.jti, expiresAt: request.accessToken.expiresAt * 1000 }],
    };
    return { refreshToken: token, family };
  }

  /** Stores a prepared family: from now on its refresh token works. */
  async commit(prepared: PreparedFamily): Promise<void> {
    await this.deps.store.create(prepared.family);
  }

  /** RFC 6749 §6 refresh: a new access token and a new refresh token; the presented one is dead from now on. */
  async refresh(request: RefreshRequest): Promise<RefreshResponse> {
    const now = this.deps.clock.now();
    if (!isRefreshTokenShaped(request.refreshToken)) throw invalidGrant('the refresh token is invalid, expired or revoked');
    const presentedHash = refreshTokenHash(request.refreshToken);
    const found = await this.deps.store.findByTokenHash(presentedHash);
    if (!found) throw invalidGrant('the refresh token is invalid, expired or revoked');
    const { family, rotatedAt } = found;
    // Who may present it comes first: a stolen token without the client's key or the session's DPoP key proves nothing
    // and must not let a thief end someone's session.
    this.requireHolder(family, request);
    if (family.endedAt !== undefined) throw invalidGrant('the session has ended', 'session.family_ended');
    if (rotatedAt !== undefined) {
      if (now - rotatedAt <= this.deps.options.reuseGraceSeconds * 1000) {
        throw invalidGrant('the refresh token was just rotated: use the new one', 'session.refresh_reused');
      }
      await this.endFamily(family, { reason: 'refresh_reused', codes: ['session.refresh_reused'] }, request.requestId);
      throw invalidGrant('the refresh token was used before: the session is ended', 'session.refresh_reused');
    }
    if (!isFamilyActive(family, now)) throw invalidGrant('the refresh token has expired', 'session.refresh_expired');
    const policy = await this.deps.findPolicy(family.policyId);
    if (!policy) {
      await this.endFamily(family, { reason: 'policy_gone', codes: ['session.policy_gone'] }, request.requestId);
      throw invalidGrant('the policy of the session no longer exists', 'session.policy_gone');
    }
    const failures = await recheckCredentials(family.credentials, family.recheck, policy, {
      status: this.deps.status,
      now,
      clockSkewSeconds: this.deps.options.clockSkewSeconds,
    });
    if (failures.length > 0) {
      const codes = [...new Set(failures.map((f) => f.code))];
      await this.endFamily(family, { reason: 'recheck_failed', codes }, request.requestId);
      throw new KpartyError('oauth.invalid_grant', `the session's credentials no longer hold: ${codes.join(', ')}`, { errors: failures });
    }
    const scope = this.narrowedScope(family.scope, request.scope);
    const claims = openClaims(family.sealedClaims, request.refreshToken, family.id);
    if (!claims) throw invalidGrant('the refresh token is invalid, expired or revoked');
    const session = await this.deps.sessions.issue({
      subject: family.subject,
      audience: family.audience,
      clientId: family.clientId,
      policyId: family.policyId,
      scope,
      ttlSeconds: family.accessTtl,
      claims,
      ...(family.dpopJkt !== undefined ? { dpopJkt: family.dpopJkt } : {}),
    });
    const next = newRefreshToken();
    const rotated = await this.deps.store.rotate(family.id, {
      expectedHash: presentedHash,
      nextHash: refreshTokenHash(next),
      sealedClaims: sealClaims(claims, next, family.id),
      idleExpiresAt: Math.min(now + family.idleTtl * 1000, family.absoluteExpiresAt),
      accessToken: { jti: session.jti, expiresAt: session.expiresAt * 1000 },
      now,
    });
    // Another request rotated it first (a concurrent refresh, here or on another replica): this one loses, harmlessly.
    if (!rotated) throw invalidGrant('the refresh token was just rotated: use the new one', 'session.refresh_reused');
    const recording = await recordDecision(
      this.deps.auditLog,
      {
        owner: family.clientId,
        policyId: family.policyId,
        outcome: 'accepted',
        holder: family.subject,
        format: REFRESH_AUDIT_FORMAT,
        codes: [],
        ...this.requestIdOf(request.requestId),
      },
      this.deps.audit,
    );
    requireAuditedIfAccepted(recording);
    return {
      access_token: session.token,
      token_type: session.tokenType,
      expires_in: session.expiresIn,
      refresh_token: next,
      ...(scope ? { scope } : {}),
    };
  }

  /** RFC 7009 for a refresh token: ends its family and denies its live access tokens. Same outcomes as for access tokens. */
  async revokeRefreshToken(principal: Principal, token: string, requestId?: string): Promise<'revoked' | 'invalid_token' | 'not_owner'> {
    if (!isRefreshTokenShaped(token)) return 'invalid_token';
    const found = await this.deps.store.findByTokenHash(refreshTokenHash(token));
    if (!found) return 'invalid_token';
    if (!mayManage(principal, found.family)) return 'not_owner';
    await this.endFamily(found.family, { reason: 'revoked', codes: ['session.family_ended'] }, requestId);
    return 'revoked';
  }

  /**
   * RFC 7009 for a public client (RFC 7009 §2.1: no client authentication):
   * a DPoP-bound session of a public client may be ended with a proof by its
   * key. A confidential client's session is left alone (`not_owner`).
   */
  async revokeWithHolderKey(token: string, jkt: string, requestId?: string): Promise<'revoked' | 'invalid_token' | 'not_owner'> {
    if (!isRefreshTokenShaped(token)) return 'invalid_token';
    const found = await this.deps.store.findByTokenHash(refreshTokenHash(token));
    if (!found) return 'invalid_token';
    const { family } = found;
    if (family.authenticatedClient !== undefined || family.dpopJkt !== jkt) return 'not_owner';
    await this.endFamily(family, { reason: 'revoked', codes: ['session.family_ended'] }, requestId);
    return 'revoked';
  }

  /** Ends every active family of `subject` the principal may manage ("log this person out everywhere"); returns how many. */
  async revokeBySubject(principal: Principal, subject: string, requestId?: string): Promise<number> {
    const clientId = principal.role === 'operator' ? undefined : principal.relyingPartyId;
    const families = await this.deps.store.listActiveBySubject(subject, clientId, this.deps.clock.now());
    let ended = 0;
    for (const family of families) {
      if (await this.endFamily(family, { reason: 'logout', codes: ['session.family_ended'] }, requestId)) ended += 1;
    }
    return ended;
  }

  /** RFC 7662 for a refresh token: active only while it is its family's live token and the family is active. */
  async introspect(principal: Principal, token: string): Promise<RefreshIntrospection> {
    if (!isRefreshTokenShaped(token)) return { active: false };
    const found = await this.deps.store.findByTokenHash(refreshTokenHash(token));
    const now = this.deps.clock.now();
    if (!found || found.rotatedAt !== undefined || !isFamilyActive(found.family, now) || !mayManage(principal, found.family)) return { active: false };
    const { family } = found;
    return {
      active: true,
      token_type: 'refresh_token',
      client_id: family.clientId,
      sub: family.subject,
      aud: family.audience,
      iss: this.deps.options.issuer,
      exp: Math.floor(Math.min(family.idleExpiresAt, family.absoluteExpiresAt) / 1000),
      iat: Math.floor(family.createdAt / 1000),
      policy: family.policyId,
      ...(family.scope ? { scope: family.scope } : {}),
      ...(family.dpopJkt !== undefined ? { cnf: { jkt: family.dpopJkt } } : {}),
    };
  }

  /** Deletes ended and expired families; for the maintenance timer. */
  async purge(): Promise<number> {
    return this.deps.store.purge(this.deps.clock.now());
  }

  /**
   * RFC 9700 §4.14.2: a confidential client's session is refreshed only with
   * that client's authentication; a DPoP-bound session only with a proof by
   * its key (both when both hold).
   */
  private requireHolder(family: SessionFamily, request: RefreshRequest): void {
    if (family.authenticatedClient !== undefined) {
      if (request.client === undefined) throw new KpartyError('auth.unauthorized', 'authenticate as the relying party the session was issued to');
      if (request.client !== family.authenticatedClient) throw invalidGrant('the refresh token was issued to another client', 'session.client_mismatch');
    }
    if (family.dpopJkt !== undefined) {
      if (request.dpopJkt === undefined) throw new KpartyError('oauth.invalid_dpop_proof', 'this session is DPoP-bound: send a DPoP proof by its key');
      if (request.dpopJkt !== family.dpopJkt) throw invalidGrant('the DPoP proof is by another key than the session is bound to', 'session.dpop_mismatch');
    }
  }

  private narrowedScope(granted: string, asked: string | undefined): string {
    if (asked === undefined) return granted;
    const allowed = new Set(granted.split(' ').filter(Boolean));
    const wanted = asked.split(' ').filter(Boolean);
    if (wanted.some((s) => !allowed.has(s))) throw new KpartyError('oauth.invalid_scope', 'a refresh may only narrow the scope the session was granted');
    return wanted.join(' ');
  }

  /** Ends the family (once), denies its access tokens that may be live, and audits the end with its codes. True if this call ended it. */
  private async endFamily(family: SessionFamily, cause: EndCause, requestId: string | undefined): Promise<boolean> {
    const now = this.deps.clock.now();
    const ended = await this.deps.store.end(family.id, cause.reason, now);
    if (!ended) return false;
    const skew = this.deps.options.clockSkewSeconds * 1000;
    await Promise.all(ended.accessTokens.filter((t) => t.expiresAt + skew > now).map((t) => this.deps.denylist.revoke(t.jti, t.expiresAt + skew)));
    await recordDecision(
      this.deps.auditLog,
      {
        owner: family.clientId,
        policyId: family.policyId,
        outcome: 'rejected',
        holder: family.subject,
        format: REFRESH_AUDIT_FORMAT,
        codes: cause.codes,
        credentialIssuers: family.credentials.map((c) => c.issuer),
        ...this.requestIdOf(requestId),
      },
      this.deps.audit,
    );
    return true;
  }

  private requestIdOf(requestId: string | undefined): { requestId?: string } {
    return requestId !== undefined ? { requestId } : {};
  }
}
