/**
 * The session-token claim names kparty sets (or that a downstream reads as
 * kparty's word), in ONE list used by policy validation (a policy cannot map a
 * credential value onto them: 400 `policy.invalid`) and by issuance (a mapped
 * value never overrides them). Before issue 11 the two lists differed:
 * `auth_time`, `acr`, `amr`, `active`, `token_type`, `username` passed
 * validation and were silently dropped at issuance, and `azp`, `may_act` were
 * passed through into tokens.
 *
 * - RFC 7519 / RFC 9068 §2.2: `iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`,
 *   `client_id`, `scope`, `auth_time`, `acr`, `amr`;
 * - OpenID Connect Core §2: `azp`;
 * - RFC 8693 §4.1, §4.4: `act`, `may_act`; RFC 7800: `cnf`;
 * - RFC 7662 §2.2 (introspection answers these next to the claims): `active`,
 *   `token_type`, `username`;
 * - kparty: `policy`.
 */
export const RESERVED_SESSION_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'client_id',
  'scope',
  'auth_time',
  'acr',
  'amr',
  'azp',
  'act',
  'may_act',
  'cnf',
  'active',
  'token_type',
  'username',
  'policy',
]);
