/**
 * The one error type of kparty. Every failure that can reach a client carries a
 * stable string `code` from {@link ErrorCode}; tests assert codes, never message
 * text. The HTTP layer maps a KpartyError to RFC 9457 problem details using the
 * table below (see src/api/problem-details.filter.ts).
 */

/** Codes of failed verification checks, listed in a problem's `errors` array (docs/api.md). */
export const CHECK_CODES = [
  'presentation.malformed',
  'presentation.signature_invalid',
  'presentation.holder_mismatch',
  // kparty's extensions (documented in docs/errors.md):
  'presentation.alg_forbidden',
  'presentation.expired',
  'presentation.not_yet_valid',
  'presentation.format_unsupported',
  'challenge.missing',
  'challenge.unknown',
  'challenge.policy_mismatch',
  'audience.mismatch',
  'did.unresolvable',
  'did.method_unsupported',
  'did.key_not_found',
  'credential.malformed',
  'credential.signature_invalid',
  'credential.expired',
  'credential.not_yet_valid',
  'credential.too_old',
  'credential.revoked',
  'credential.suspended',
  'credential.status_unavailable',
  'credential.issuer_untrusted',
  'credential.type_mismatch',
  'credential.claim_missing',
  'credential.claim_value',
  'credential.alg_forbidden',
  'policy.unsatisfied',
  'sdjwt.disclosure_invalid',
  'sdjwt.key_binding_invalid',
] as const;
export type CheckCode = (typeof CHECK_CODES)[number];

interface ProblemKind {
  /** HTTP status of a response carrying this code as its top-level `code`. */
  status: number;
  /** Short, human-readable summary; constant per code (RFC 9457 `title`). */
  title: string;
}

/** Top-level problem codes: the `code` member of every error response. */
const PROBLEM_KINDS = {
  'request.invalid': { status: 400, title: 'The request is malformed' },
  'request.too_large': { status: 413, title: 'The request body is too large' },
  'request.unsupported_media_type': { status: 415, title: 'The request body must be JSON' },
  'auth.unauthorized': { status: 401, title: 'A valid API key is required' },
  'auth.forbidden': { status: 403, title: 'This API key may not do that' },
  'route.not_found': { status: 404, title: 'No such endpoint' },
  'route.method_not_allowed': { status: 405, title: 'Method not allowed on this endpoint' },
  'policy.not_found': { status: 404, title: 'No such policy' },
  'policy.invalid': { status: 400, title: 'The policy does not match the presentation-policy schema' },
  'policy.conflict': { status: 409, title: 'The policy id is already taken' },
  'relying_party.conflict': { status: 409, title: 'The relying party id is already taken' },
  'presentation.rejected': { status: 422, title: 'The presentation was rejected' },
  // W3C VC API POST /v1/vc-api/credentials/verify (docs/api.md).
  'credential.rejected': { status: 422, title: 'The credential was rejected' },
  // Session lifecycle (forward-auth, token exchange): see docs/errors.md.
  'session.missing': { status: 401, title: 'A session token is required' },
  'session.invalid': { status: 401, title: 'The session token is not valid' },
  'session.insufficient_scope': { status: 403, title: 'The session token lacks a required scope' },
  'oauth.unsupported_grant_type': { status: 400, title: 'The grant type is not supported' },
  'oauth.invalid_target': { status: 400, title: 'No single policy matches the requested target' },
  rate_limited: { status: 429, title: 'Too many requests' },
  'service.unavailable': { status: 503, title: 'The service is temporarily unavailable' },
  // OpenID4VP 1.0 (docs/oid4vp.md, docs/errors.md):
  'oid4vp.policy_unsupported': { status: 422, title: 'The policy cannot be requested over OpenID4VP 1.0' },
  'oid4vp.request_not_found': { status: 404, title: 'No such OpenID4VP request' },
  'oid4vp.request_closed': { status: 410, title: 'The OpenID4VP request is no longer open' },
  'oid4vp.response_invalid': { status: 400, title: 'The OpenID4VP authorization response is not valid for this request' },
  'oid4vp.response_code_invalid': { status: 403, title: 'The response_code does not match this request' },
  'oid4vp.callback_origin_not_registered': { status: 400, title: 'The callbackUrl origin is not registered for this relying party' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ProblemKind>;

export type ProblemCode = keyof typeof PROBLEM_KINDS;
export type ErrorCode = ProblemCode | CheckCode;

/** One failed check or one violation, as listed in a problem's `errors` array. */
export interface ErrorEntry {
  code: ErrorCode;
  /** Where the failure is: `credentials[0]`, `presentation`, or a JSON pointer for schema violations. */
  path?: string;
  detail?: string;
}

export interface KpartyErrorOptions {
  /** Every individual failure behind this error (verification checks, schema violations). */
  errors?: ErrorEntry[];
  /** How many more failures there were than `errors` lists (KPARTY_MAX_ERRORS). */
  errorsOmitted?: number;
  /** Seconds, for 429 and 503 answers. */
  retryAfter?: number;
  cause?: unknown;
}

export class KpartyError extends Error {
  override readonly name = 'KpartyError';
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  /** Whether `detail` may be shown to the client. Never for 5xx: those show only the title. */
  readonly expose: boolean;
  readonly detail: string;
  readonly errors: ErrorEntry[] | undefined;
  readonly errorsOmitted: number | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: ProblemCode, detail: string, options: KpartyErrorOptions = {}) {
    super(`${code}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    const kind: ProblemKind = PROBLEM_KINDS[code];
    this.code = code;
    this.status = kind.status;
    this.title = kind.title;
    this.expose = kind.status < 500;
    this.detail = detail;
    this.errors = options.errors;
    this.errorsOmitted = options.errorsOmitted;
    this.retryAfter = options.retryAfter;
  }
}

export function problemKind(code: ProblemCode): ProblemKind {
  return PROBLEM_KINDS[code];
}

/** Every top-level problem code (the OpenAPI document lists them). */
export const PROBLEM_CODES = Object.keys(PROBLEM_KINDS) as ProblemCode[];

/** Thrown at start-up for invalid configuration; the message names the variable or file. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
