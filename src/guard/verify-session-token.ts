/**
 * `verifySessionToken`: checks a kparty session token the way RFC 9068 §4
 * asks a resource server to — signature by a key of the issuer's JWKS with
 * an allowed algorithm, `typ` at+jwt, `iss`, `aud`, `exp`/`nbf`/`iat` — then,
 * when asked, that kparty still considers it active (revocation) and that it
 * grants the required scopes.
 */
import { jwtVerify, type JWTPayload } from 'jose';
import { IssuerUnavailableError, SessionTokenError } from './errors.js';
import { isTokenActive, type IntrospectionOptions } from './introspection.js';
import { sharedIssuerDirectory, type IssuerDirectory } from './issuer-directory.js';
import { requireIssuerUrl } from './issuer-url.js';
import { fromJoseFailure } from './jose-failure.js';
import { missingScopes, requireScopeTokens } from './scopes.js';
import { DpopProofError, dpopReplayKey, verifyDpopProof, type DpopRequest } from './dpop.js';

/** Algorithms kparty may sign session tokens with (docs/api.md). */
export type SessionTokenAlgorithm = 'ES256' | 'EdDSA';

/** The claims of a verified session token (RFC 9068 §2.2 plus kparty's `policy` and mapped claims). */
export interface SessionClaims extends JWTPayload {
  iss: string;
  /** The holder: a DID, or an RFC 9278 JWK thumbprint URI. */
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  /** The relying party the session was issued for. */
  client_id: string;
  /** Space-separated scopes; absent when the policy grants none. */
  scope?: string;
  /** The presentation policy that was satisfied. */
  policy?: string;
}

export interface VerifySessionTokenOptions {
  /** Exactly kparty's `KPARTY_ISSUER`, e.g. `https://kparty.example.com` (no trailing slash). */
  issuer: string;
  /** This API's identifier: the `audience` of the policies whose tokens it accepts. Several are accepted as alternatives. */
  audience: string | readonly string[];
  /** Scopes every accepted token must grant (all of them). Default none. */
  scopes?: readonly string[];
  /**
   * The relying party (kparty `client_id`) whose tokens this API accepts; several are alternatives. Recommended with
   * `audience` (docs/downstream.md): a token is then accepted only if both name this API's owner.
   */
  clientId?: string | readonly string[];
  /** Also ask kparty (RFC 7662) whether the token is still active, so revoked tokens are refused. One request per check. */
  introspection?: IntrospectionOptions;
  /** Default `['ES256', 'EdDSA']` (docs/api.md); kparty signs with ES256 today. */
  algorithms?: readonly SessionTokenAlgorithm[];
  /** Seconds tolerated on `exp`, `nbf` and `iat`. Default 5. */
  clockToleranceSeconds?: number;
  /** Tokens whose `iat` is older are refused, whatever their `exp`. Default 86 400 (kparty's longest lifetime). */
  maxTokenAgeSeconds?: number;
  /** Longer tokens are refused before any parsing. Default 8192 characters. */
  maxTokenLength?: number;
  /** Accept a plain-http issuer on a non-loopback host. Default false. */
  allowHttp?: boolean;
  /** Cache of metadata and key sets; default one shared by the whole process. */
  directory?: IssuerDirectory;
  /** DPoP-bound tokens (RFC 9449; docs/sessions.md). Bound tokens are always checked; these options tune how. */
  dpop?: DpopGuardOptions;
}

/** Where the single use of DPoP proofs is recorded (RFC 9449 §11.1): share one across replicas of the API (e.g. Redis SET NX). */
export interface DpopReplayStore {
  /** True the first time `key` is seen (until `expiresAt`, ms); false afterwards. Must be atomic. */
  firstUse(key: string, expiresAt: number, now: number): Promise<boolean> | boolean;
}

export interface DpopGuardOptions {
  /**
   * The jti replay check: `'memory'` (default) remembers proofs in this
   * process (bounded); a {@link DpopReplayStore} shares them between
   * replicas; `'skip'` leaves it to a gateway that already checked (kparty's
   * forward-auth does, across its replicas) — only when every request reaches
   * this API through that gateway.
   */
  replay?: 'memory' | 'skip' | DpopReplayStore;
  /** How old a proof may be (its `iat`), seconds. Default 60. */
  proofWindowSeconds?: number;
  /** Refuse tokens that are not DPoP-bound (Bearer). Default false. */
  required?: boolean;
}

/** The request a DPoP proof must be for: as the client addressed it. */
export interface DpopRequestContext {
  scheme: 'Bearer' | 'DPoP';
  /** Absent when the caller cannot say what the request was: a bound token is then refused. */
  request?: DpopRequest;
  /** The request's `DPoP` header(s). */
  proof?: string | readonly string[];
}

/** Options checked once, so a guard does not re-validate them on every request. */
export interface ResolvedVerifyOptions {
  readonly issuer: string;
  readonly audience: string[];
  readonly scopes: readonly string[];
  /** Empty: any relying party. */
  readonly clientIds: readonly string[];
  readonly introspection: IntrospectionOptions | undefined;
  readonly algorithms: SessionTokenAlgorithm[];
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds: number;
  readonly maxTokenLength: number;
  readonly directory: IssuerDirectory;
  readonly dpop: { replay: DpopReplayStore | undefined; proofWindowSeconds: number; required: boolean };
}

/** Most proofs the default in-process replay store remembers; the oldest go first (they expire first). */
const MEMORY_REPLAY_MAX = 50_000;

function memoryReplayStore(): DpopReplayStore {
  const seen = new Map<string, number>();
  return {
    firstUse(key, expiresAt, now) {
      const until = seen.get(key);
      if (until !== undefined && until > now) return false;
      seen.delete(key);
      while (seen.size >= MEMORY_REPLAY_MAX) {
        const oldest = seen.keys().next().value;
        if (oldest === undefined) break;
        seen.delete(oldest);
      }
      seen.set(key, expiresAt);
      return true;
    },
  };
}

/** RFC 9068 §2.2: claims every access token carries. */
const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'];
/** JWS compact serialization; an empty signature is left for jose to refuse as alg "none". */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const API_KEY = /^[\x21-\x7e]{1,512}$/;

function seconds(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`kparty guard: ${name} must be a non-negative number`);
  return value;
}

/** Validates options (a mistake throws a TypeError naming it) and fills in defaults. */
export function resolveVerifyOptions(options: VerifySessionTokenOptions): ResolvedVerifyOptions {
  const audience = typeof options.audience === 'string' ? [options.audience] : [...(options.audience ?? [])];
  if (audience.length === 0 || audience.some((aud) => typeof aud !== 'string' || aud.length === 0)) {
    throw new TypeError('kparty guard: audience must name this API (a non-empty string or list of strings)');
  }
  const clientIds = options.clientId === undefined ? [] : typeof options.clientId === 'string' ? [options.clientId] : [...options.clientId];
  if (options.clientId !== undefined && (clientIds.length === 0 || clientIds.some((id) => typeof id !== 'string' || id.length === 0))) {
    throw new TypeError('kparty guard: clientId must name a relying party (a non-empty string or list of strings)');
  }
  const algorithms = [...(options.algorithms ?? ['ES256', 'EdDSA'])];
  if (algorithms.length === 0 || algorithms.some((alg) => alg !== 'ES256' && alg !== 'EdDSA')) {
    throw new TypeError('kparty guard: algorithms may only list ES256 and EdDSA');
  }
  if (options.introspection !== undefined && !API_KEY.test(options.introspection.clientKey ?? '')) {
    throw new TypeError("kparty guard: introspection.clientKey must be the relying party's API key");
  }
  const maxTokenLength = seconds(options.maxTokenLength ?? 8192, 'maxTokenLength');
  return {
    issuer: requireIssuerUrl(options.issuer, options.allowHttp ?? false),
    audience,
    scopes: requireScopeTokens(options.scopes ?? [], 'kparty guard: scopes'),
    clientIds,
    introspection: options.introspection,
    algorithms,
    clockToleranceSeconds: seconds(options.clockToleranceSeconds ?? 5, 'clockToleranceSeconds'),
    maxTokenAgeSeconds: seconds(options.maxTokenAgeSeconds ?? 86_400, 'maxTokenAgeSeconds'),
    maxTokenLength,
    directory: options.directory ?? sharedIssuerDirectory,
    dpop: resolveDpop(options.dpop),
  };
}

function resolveDpop(options: DpopGuardOptions | undefined): ResolvedVerifyOptions['dpop'] {
  const replay = options?.replay ?? 'memory';
  if (replay !== 'memory' && replay !== 'skip' && typeof (replay as DpopReplayStore).firstUse !== 'function') {
    throw new TypeError("kparty guard: dpop.replay must be 'memory', 'skip' or a store with firstUse()");
  }
  const proofWindowSeconds = seconds(options?.proofWindowSeconds ?? 60, 'dpop.proofWindowSeconds');
  return {
    replay: replay === 'memory' ? memoryReplayStore() : replay === 'skip' ? undefined : replay,
    proofWindowSeconds,
    required: options?.required ?? false,
  };
}

/** The key a token is bound to (`cnf.jkt`), if any. */
function boundJkt(claims: SessionClaims): string | undefined {
  const cnf = claims.cnf as unknown;
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  return typeof jkt === 'string' && jkt.length > 0 ? jkt : undefined;
}

/**
 * RFC 9449 §7.1: a bound token counts only with the DPoP scheme and a proof
 * by its key for this request, with `ath`, unseen before; an unbound token
 * sent as DPoP is refused (no downgrade either way).
 */
async function requireSenderConstraint(token: string, claims: SessionClaims, options: ResolvedVerifyOptions, context: DpopRequestContext): Promise<void> {
  const jkt = boundJkt(claims);
  if (jkt === undefined) {
    if (context.scheme === 'DPoP') throw new SessionTokenError('invalid_token', 'dpop_invalid', 'the token is not DPoP-bound: send it as Bearer');
    if (options.dpop.required) throw new SessionTokenError('invalid_token', 'dpop_required', 'this API accepts DPoP-bound tokens only');
    return;
  }
  if (context.scheme !== 'DPoP' || context.request === undefined) {
    throw new SessionTokenError('invalid_token', 'dpop_required', 'the token is DPoP-bound: send it as "Authorization: DPoP <token>" with a DPoP proof');
  }
  const now = Date.now();
  try {
    const proof = await verifyDpopProof(context.proof, context.request, {
      now,
      maxAgeSeconds: options.dpop.proofWindowSeconds,
      clockSkewSeconds: options.clockToleranceSeconds,
      accessToken: token,
      expectedJkt: jkt,
    });
    const expiresAt = (proof.iat + options.dpop.proofWindowSeconds + options.clockToleranceSeconds) * 1000 + 1000;
    if (options.dpop.replay && !(await options.dpop.replay.firstUse(dpopReplayKey(proof), expiresAt, now))) {
      throw new SessionTokenError('invalid_dpop_proof', 'dpop_replayed', 'this DPoP proof was used before');
    }
  } catch (error) {
    if (error instanceof DpopProofError) throw new SessionTokenError('invalid_dpop_proof', 'dpop_invalid', error.message, { cause: error });
    throw error;
  }
}

/** The claim checks jose leaves to the caller: types of the claims a downstream API relies on. */
function requireClaimTypes(payload: JWTPayload): SessionClaims {
  for (const claim of ['sub', 'jti', 'client_id'] as const) {
    if (typeof payload[claim] !== 'string' || payload[claim] === '') {
      throw new SessionTokenError('invalid_token', 'claim_invalid', `the token has an invalid ${claim} claim`);
    }
  }
  if (payload.scope !== undefined && typeof payload.scope !== 'string') {
    throw new SessionTokenError('invalid_token', 'claim_invalid', 'the token has an invalid scope claim');
  }
  if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') {
    throw new SessionTokenError('invalid_token', 'claim_invalid', 'the token has an invalid exp or iat claim');
  }
  return payload as SessionClaims;
}

/**
 * Verifies with options already resolved; `extraScopes` are required on top
 * of `options.scopes` (a route's own requirements).
 */
export async function verifyResolved(
  token: unknown,
  options: ResolvedVerifyOptions,
  extraScopes: readonly string[] = [],
  dpop: DpopRequestContext = { scheme: 'Bearer' },
): Promise<SessionClaims> {
  if (typeof token !== 'string' || token.length === 0) {
    throw new SessionTokenError('invalid_token', 'token_malformed', 'the token is malformed');
  }
  if (token.length > options.maxTokenLength) {
    throw new SessionTokenError('invalid_token', 'token_too_large', 'the token is too large');
  }
  if (!COMPACT_JWS.test(token)) throw new SessionTokenError('invalid_token', 'token_malformed', 'the token is not a compact JWS');

  const { metadata, keys } = await options.directory.resolve(options.issuer);
  let claims: SessionClaims;
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: options.issuer,
      audience: options.audience,
      typ: 'at+jwt',
      algorithms: options.algorithms,
      clockTolerance: options.clockToleranceSeconds,
      maxTokenAge: options.maxTokenAgeSeconds,
      requiredClaims: REQUIRED_CLAIMS,
    });
    claims = requireClaimTypes(payload);
  } catch (error) {
    throw fromJoseFailure(error);
  }
  if (options.clientIds.length > 0 && !options.clientIds.includes(claims.client_id)) {
    throw new SessionTokenError('invalid_token', 'client_mismatch', 'the token was issued to another relying party');
  }

  await requireSenderConstraint(token, claims, options, dpop);

  if (options.introspection) {
    if (!metadata.introspection_endpoint) {
      throw new IssuerUnavailableError('endpoint_missing', `the metadata of ${options.issuer} names no introspection_endpoint`);
    }
    const active = await isTokenActive(token, metadata.introspection_endpoint, options.introspection, options.directory.fetchLimits);
    if (!active) throw new SessionTokenError('invalid_token', 'inactive', 'the token has been revoked or is no longer active');
  }

  const required = [...new Set([...options.scopes, ...extraScopes])];
  const missing = missingScopes(required, claims.scope);
  if (missing.length > 0) {
    throw new SessionTokenError('insufficient_scope', 'scope_missing', `the token lacks the scope ${missing.join(' ')}`, { requiredScopes: required });
  }
  return claims;
}

/**
 * Verifies a kparty session token and returns its claims.
 *
 * @throws SessionTokenError `invalid_token` (bad, expired, foreign or revoked token) or `insufficient_scope`
 * @throws IssuerUnavailableError kparty could not be asked (answer 503)
 * @throws TypeError the options are wrong
 */
export async function verifySessionToken(token: string, options: VerifySessionTokenOptions): Promise<SessionClaims> {
  return verifyResolved(token, resolveVerifyOptions(options));
}
