import { OPERATOR } from '../admin/principal.js';
import { KpartyError, type ErrorEntry } from '../core/errors.js';
import type { PolicyCatalog } from '../policy/policy-catalog.js';
import { fromVpToken, singlePresentation, type Submission } from '../verification/submission.js';
import type { SessionClient, SignIn } from './sign-in.js';

/** RFC 8693 §2.1 `grant_type`. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3: what kparty issues. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** RFC 8693 §3: a JWT — for kparty, a VP-JWT. */
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
/** kparty's token type URI for a Verifiable Presentation in any format kparty verifies (VP-JWT, SD-JWT VC with KB-JWT). */
export const VP_TOKEN_TYPE = 'urn:kparty:params:oauth:token-type:vp';
/**
 * kparty's token type URI for an OpenID4VP 1.0 `vp_token` object (§8.1), as
 * JSON text: `{ "<credential query id>": [presentation, …] }` — several
 * presentations answering one challenge, verified as one submission.
 */
export const VP_TOKEN_OBJECT_TYPE = 'urn:kparty:params:oauth:token-type:vp_token';
/** The `subject_token_type` values accepted; the presentation's format is recognised from the token itself either way. */
export const SUBJECT_TOKEN_TYPES: readonly string[] = [JWT_TOKEN_TYPE, VP_TOKEN_TYPE, VP_TOKEN_OBJECT_TYPE];

/** Most presentations one `vp_token` may hold (as the verify endpoint's schema allows). */
const MAX_VP_TOKEN_PRESENTATIONS = 20;

/** The submission a `vp_token` subject token (JSON text) holds, or a request.invalid error. */
function vpTokenSubmission(text: string): Submission {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidRequest('a vp_token subject_token must be a JSON object', '/subject_token');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest('a vp_token subject_token must be a JSON object', '/subject_token');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw invalidRequest('the vp_token names no credential query', '/subject_token');
  let count = 0;
  for (const [queryId, presentations] of entries) {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(queryId)) throw invalidRequest('vp_token keys must be credential query ids', '/subject_token');
    if (!Array.isArray(presentations) || presentations.length === 0) {
      throw invalidRequest('each vp_token value must be a non-empty array of presentations', '/subject_token');
    }
    count += presentations.length;
  }
  if (count > MAX_VP_TOKEN_PRESENTATIONS) throw invalidRequest(`the vp_token holds more than ${MAX_VP_TOKEN_PRESENTATIONS} presentations`, '/subject_token');
  return fromVpToken(value as Record<string, unknown[]>);
}

/** The parameters of a token-exchange request, as the request schema admits them (form or JSON). */
export interface TokenExchangeRequest {
  grant_type: string;
  subject_token?: string;
  subject_token_type?: string;
  /** kparty's extension: the policy's id. */
  policy?: string;
  /** RFC 8693: may be repeated. */
  audience?: string | string[];
  /** RFC 8707 / RFC 8693: may be repeated. */
  resource?: string | string[];
  requested_token_type?: string;
  actor_token?: string;
  actor_token_type?: string;
}

/** RFC 8693 §2.2.1 success response. */
export interface TokenExchangeResponse {
  access_token: string;
  issued_token_type: typeof ACCESS_TOKEN_TYPE;
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope?: string;
  /** When the policy sets `session.refresh` and the caller may refresh (docs/sessions.md). */
  refresh_token?: string;
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function invalidRequest(detail: string, path: string): KpartyError {
  const errors: ErrorEntry[] = [{ code: 'request.invalid', path, detail }];
  return new KpartyError('request.invalid', detail, { errors });
}

/**
 * RFC 8693 token exchange: a holder's presentation (`subject_token`) for a
 * session token, for machine clients that speak OAuth rather than kparty's
 * API. The presentation goes through exactly the verification of
 * `POST /v1/presentations/verify` (challenge, signatures, status, policy,
 * audit); a rejection is `presentation.rejected` (OAuth `invalid_grant`).
 *
 * The policy is named by `policy`, or selected by `audience`/`resource`: the
 * one policy whose `audience` equals it. None, several, or a `policy` whose
 * audience differs is `oauth.invalid_target`.
 */
export class TokenExchange {
  constructor(
    private readonly policies: PolicyCatalog,
    private readonly signIn: SignIn,
  ) {}

  async exchange(request: TokenExchangeRequest, requestId?: string, client: SessionClient = {}): Promise<TokenExchangeResponse> {
    if (request.grant_type !== TOKEN_EXCHANGE_GRANT) {
      throw new KpartyError('oauth.unsupported_grant_type', `grant_type must be ${TOKEN_EXCHANGE_GRANT}`);
    }
    if (request.subject_token === undefined) throw invalidRequest('subject_token is required', '/subject_token');
    if (request.subject_token_type === undefined) throw invalidRequest('subject_token_type is required', '/subject_token_type');
    if (!SUBJECT_TOKEN_TYPES.includes(request.subject_token_type)) {
      throw invalidRequest(`subject_token_type must be one of: ${SUBJECT_TOKEN_TYPES.join(', ')}`, '/subject_token_type');
    }
    // Ignoring an actor token would issue an impersonation token where delegation was asked for.
    if (request.actor_token !== undefined || request.actor_token_type !== undefined) {
      throw invalidRequest('actor tokens (delegation) are not supported', '/actor_token');
    }
    if (request.requested_token_type !== undefined && request.requested_token_type !== ACCESS_TOKEN_TYPE) {
      throw invalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`, '/requested_token_type');
    }
    const submission =
      request.subject_token_type === VP_TOKEN_OBJECT_TYPE ? vpTokenSubmission(request.subject_token) : singlePresentation(request.subject_token);
    const policyId = await this.selectPolicy(request);
    const { session } = await this.signIn.signIn({
      policyId,
      submission,
      binding: { kind: 'challenge' },
      ...(requestId !== undefined ? { requestId } : {}),
      ...(client.clientId !== undefined ? { clientId: client.clientId } : {}),
      ...(client.dpopJkt !== undefined ? { dpopJkt: client.dpopJkt } : {}),
    });
    return {
      access_token: session.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: session.tokenType,
      expires_in: session.expiresIn,
      ...(session.scope ? { scope: session.scope } : {}),
      ...(session.refreshToken !== undefined ? { refresh_token: session.refreshToken } : {}),
    };
  }

  /** The id of the one policy the request targets. */
  private async selectPolicy(request: TokenExchangeRequest): Promise<string> {
    const targets = [...new Set([...asList(request.audience), ...asList(request.resource)])];
    if (targets.length > 1) {
      throw new KpartyError('oauth.invalid_target', 'name one audience: a session token is issued for a single audience');
    }
    const [target] = targets;
    if (request.policy !== undefined) {
      const stored = await this.policies.find(request.policy);
      if (!stored) throw new KpartyError('oauth.invalid_target', `no policy "${request.policy}"`);
      if (target !== undefined && stored.policy.audience !== target) {
        throw new KpartyError('oauth.invalid_target', `policy "${request.policy}" is not for audience "${target}"`);
      }
      return stored.policy.id;
    }
    if (target === undefined) throw invalidRequest('name the policy (policy) or its audience (audience or resource)', '/policy');
    const matching = (await this.policies.listFor(OPERATOR)).filter((stored) => stored.policy.audience === target);
    if (matching.length === 0) throw new KpartyError('oauth.invalid_target', `no policy has the audience "${target}"`);
    const [only] = matching;
    if (matching.length > 1 || !only) {
      throw new KpartyError('oauth.invalid_target', `${matching.length} policies have the audience "${target}": name one with the policy parameter`);
    }
    return only.policy.id;
  }
}
