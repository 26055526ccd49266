import type { FastifyRequest } from 'fastify';
import type { KpartyError, ProblemCode } from '../core/errors.js';

/**
 * The OAuth endpoints: they take `application/x-www-form-urlencoded` bodies
 * (as RFC 6749 §3.2, RFC 7009, RFC 7662 and RFC 8693 say) besides JSON, and
 * answer errors in the RFC 6749 §5.2 shape so ordinary OAuth libraries read them.
 */
export const OAUTH_ENDPOINTS: ReadonlySet<string> = new Set(['/v1/token', '/v1/sessions/introspect', '/v1/sessions/revoke']);

/** Whether the request is for an OAuth endpoint (judged by path alone, so it holds before routing too). */
export function isOAuthEndpoint(request: Pick<FastifyRequest, 'url'>): boolean {
  return OAUTH_ENDPOINTS.has(request.url.split('?', 1)[0] ?? '');
}

/** RFC 6749 §5.2 / RFC 8693 §2.2.2 error codes for kparty's problem codes; anything unlisted is `invalid_request` (4xx) or `server_error` (5xx). */
const OAUTH_ERRORS: Partial<Record<ProblemCode, string>> = {
  'auth.unauthorized': 'invalid_client',
  'auth.forbidden': 'unauthorized_client',
  'oauth.unsupported_grant_type': 'unsupported_grant_type',
  'oauth.invalid_target': 'invalid_target',
  'policy.not_found': 'invalid_target',
  'presentation.rejected': 'invalid_grant',
  'oauth.invalid_grant': 'invalid_grant',
  'oauth.invalid_scope': 'invalid_scope',
  'oauth.invalid_dpop_proof': 'invalid_dpop_proof',
  'oauth.use_dpop_nonce': 'use_dpop_nonce',
  rate_limited: 'temporarily_unavailable',
  'service.unavailable': 'temporarily_unavailable',
};

/**
 * The HTTP status on an OAuth endpoint: RFC 6749 §5.2 answers errors with 400
 * (401 for invalid_client), so a rejected presentation's 422 becomes 400;
 * 413, 415, 429 and 5xx keep their HTTP meaning.
 */
export function oauthStatus(problem: KpartyError): number {
  return problem.status === 422 ? 400 : problem.status;
}

/** RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E (no `"` or `\`). */
function descriptionText(text: string): string {
  return text
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The RFC 6749 §5.2 members of an error on an OAuth endpoint: `error` and
 * `error_description`. A rejected presentation's description names the codes
 * of every failed check (the `errors` member lists them in full).
 */
export function oauthErrorMembers(problem: KpartyError, shownDetail: string): { error: string; error_description: string } {
  const error = OAUTH_ERRORS[problem.code] ?? (problem.status >= 500 ? 'server_error' : 'invalid_request');
  const codes = problem.expose && problem.errors ? [...new Set(problem.errors.map((e) => e.code))] : [];
  const description = problem.code === 'presentation.rejected' && codes.length > 0 ? `the presentation was rejected: ${codes.join(', ')}` : shownDetail;
  return { error, error_description: descriptionText(description) };
}
