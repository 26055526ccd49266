/**
 * Session families (docs/sessions.md): a sign-in that a policy lets last
 * (`session.refresh`) becomes a family of refresh tokens, one live at a time,
 * each rotated into the next (RFC 6749 §6, RFC 9700 §4.14.2). The store keeps
 * only hashes of refresh tokens, and per credential the session rests on only
 * what a re-check needs — never a credential or its claims. The claims the
 * policy maps into access tokens are kept sealed under a key derived from the
 * live refresh token, which the store never sees (src/session/refresh/sealed-claims.ts).
 */

/** What a re-check of one credential needs (issuer, status-list references, end of validity); nothing else. */
export interface RecheckReference {
  /** The credential's issuer identifier (DID, `iss` URL or `x509_hash:…`): whose status lists it may read. */
  issuer: string;
  /** The credential's status entries as it carried them (list URL, index, purpose), for the status checker registry. */
  status: unknown[];
  /** The policy's `status` setting for the query the credential answered: fail closed (`required`) or not. */
  statusSetting: 'required' | 'optional' | 'ignore';
  /** The credential's `exp` / `validUntil`, seconds since the epoch; absent when it has none. */
  expiresAt?: number;
}

/** An access token issued in a family, remembered until it expires so ending the family can deny it. */
export interface FamilyAccessToken {
  jti: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface SessionFamily {
  /** Random, unguessable; never shown to clients. */
  id: string;
  /** The relying party the session is for (`client_id` of its access tokens: the policy's owner). */
  clientId: string;
  /** `sub` of the session's access tokens (holder DID or RFC 9278 thumbprint URI). */
  subject: string;
  policyId: string;
  audience: string;
  scope: string;
  /** Access-token lifetime, seconds, as at sign-in. */
  accessTtl: number;
  /**
   * The relying party that authenticated when the session was obtained (RP
   * key or client_secret_basic): a confidential client's session, which only
   * that client may refresh. Absent: a public client's session, DPoP-bound.
   */
  authenticatedClient?: string;
  /** RFC 9449 JWK SHA-256 thumbprint the session is bound to; refreshing needs a proof by this key. */
  dpopJkt?: string;
  /** `session.refresh.recheck` at sign-in. */
  recheck: 'status' | 'none';
  /** `session.refresh.ttlSeconds`: idle lifetime of each refresh token. */
  idleTtl: number;
  credentials: RecheckReference[];
  /** The mapped session claims, sealed under the live refresh token (base64url). */
  sealedClaims: string;
  /** SHA-256 of the live refresh token (base64url). */
  currentTokenHash: string;
  /** 0 for the first refresh token, +1 per rotation. */
  generation: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** When the live refresh token dies unused (ms). */
  idleExpiresAt: number;
  /** When the whole family dies (ms), whatever happens. */
  absoluteExpiresAt: number;
  /** Access tokens issued in the family that may still be live. */
  accessTokens: FamilyAccessToken[];
  /** Set once the family is ended (revocation, reuse, failed re-check). */
  endedAt?: number;
  endReason?: string;
}

/** A refresh token's hash found: its family, and when it was rotated away (absent while it is the live one). */
export interface RefreshTokenLookup {
  family: SessionFamily;
  rotatedAt?: number;
}

export interface FamilyRotation {
  /** The hash the family's live token must still have: the compare of compare-and-swap. */
  expectedHash: string;
  nextHash: string;
  sealedClaims: string;
  idleExpiresAt: number;
  /** The access token issued with the new refresh token. */
  accessToken: FamilyAccessToken;
  now: number;
}

/** Most access tokens a family remembers; the oldest drop out first (they expire first). */
export const MAX_FAMILY_ACCESS_TOKENS = 16;

/**
 * Where session families live. `rotate` is atomic across every process
 * sharing the store: of concurrent rotations of one live token, exactly one
 * succeeds. Every method is safe to call for a family that no longer exists.
 */
export interface SessionFamilyStore {
  /** Stores a new family whose live token is `family.currentTokenHash`; a duplicate id or hash is an error. */
  create(family: SessionFamily): Promise<void>;
  /** The family a token hash belongs to (live or rotated), ended families included; null when unknown. */
  findByTokenHash(hash: string): Promise<RefreshTokenLookup | null>;
  /**
   * Replaces the live token by `nextHash` if the family is not ended and its
   * live token is still `expectedHash`; remembers the old hash as rotated at
   * `now` and appends the access token (dropping expired ones). True if this
   * call rotated.
   */
  rotate(familyId: string, rotation: FamilyRotation): Promise<boolean>;
  /** Ends the family at `now` with `reason`; returns it as it was if this call ended it, null if already ended or unknown. */
  end(familyId: string, reason: string, now: number): Promise<SessionFamily | null>;
  /** Families of `subject` not ended, optionally only those of relying party `clientId`. At most 1000. */
  listActiveBySubject(subject: string, clientId: string | undefined, now: number): Promise<SessionFamily[]>;
  /** Deletes families ended, or past their idle or absolute lifetime, at `now`, with their token hashes; returns how many. */
  purge(now: number): Promise<number>;
}

/** The access tokens still live at `now` plus `added`, newest last, at most {@link MAX_FAMILY_ACCESS_TOKENS}. */
export function liveAccessTokens(tokens: readonly FamilyAccessToken[], added: FamilyAccessToken, now: number): FamilyAccessToken[] {
  return [...tokens.filter((t) => t.expiresAt > now), added].slice(-MAX_FAMILY_ACCESS_TOKENS);
}

/** Whether the family can still be refreshed at `now`. */
export function isFamilyActive(family: SessionFamily, now: number): boolean {
  return family.endedAt === undefined && family.idleExpiresAt > now && family.absoluteExpiresAt > now;
}
