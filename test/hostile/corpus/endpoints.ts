/**
 * Hostile requests to every endpoint besides the verification formats:
 * request shapes, authentication, relying parties and audiences (issue 11
 * finding 1), policies (reserved claims, finding 10), challenges, the OAuth
 * endpoints, forward-auth (client pinning), audit and keys.
 */
import type { HostileEntry, HostileRequest } from '../hostile-entry.js';

const json = (method: string, url: string, body: unknown, key?: string): HostileRequest => ({ method, url, body, ...(key !== undefined ? { key } : {}) });
const form = (url: string, fields: Record<string, string>, key?: string): HostileRequest => ({
  method: 'POST',
  url,
  raw: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  ...(key !== undefined ? { key } : {}),
});
const invalid = { status: 400, code: 'request.invalid' };

function policy(id: string, audience: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    audience,
    credentials: [{ id: 'employee', format: 'jwt_vc_json', meta: { type_values: [['EmployeeCredential']] }, trustedIssuers: ['*'], status: 'ignore' }],
    session: { scope: 'x' },
    ...extra,
  };
}

export const endpointEntries: HostileEntry[] = [
  // Relying parties and audiences (finding 1).
  {
    name: "RP: policy with another party's audience",
    request: (c) => json('PUT', '/v1/admin/policies/squat-1', policy('squat-1', 'https://hostile.example.com'), c.rpKey),
    expect: { status: 403, code: 'policy.audience_not_owned' },
  },
  {
    name: 'RP: policy with an unregistered audience',
    request: (c) => json('PUT', '/v1/admin/policies/squat-2', policy('squat-2', 'https://nobody.example.com'), c.rpKey),
    expect: { status: 403, code: 'policy.audience_not_owned' },
  },
  {
    name: 'operator: policy with an audience a relying party holds',
    request: (c) => json('PUT', '/v1/admin/policies/op-squat', policy('op-squat', 'https://rp.hostile.example.com'), c.operatorKey),
    expect: { status: 403, code: 'policy.audience_not_owned' },
  },
  {
    name: 'create RP claiming a held audience',
    request: (c) => json('POST', '/v1/admin/relying-parties', { id: 'late', name: 'Late', audiences: ['https://rp.hostile.example.com'] }, c.operatorKey),
    expect: { status: 409, code: 'relying_party.audience_taken' },
  },
  {
    name: "create RP claiming an operator policy's audience",
    request: (c) => json('POST', '/v1/admin/relying-parties', { id: 'late-2', name: 'Late', audiences: ['https://hostile.example.com'] }, c.operatorKey),
    expect: { status: 409, code: 'relying_party.audience_taken' },
  },
  {
    name: 'create RP without audiences',
    request: (c) => json('POST', '/v1/admin/relying-parties', { id: 'no-aud', name: 'X' }, c.operatorKey),
    expect: invalid,
  },
  {
    name: 'create RP with an empty audience list',
    request: (c) => json('POST', '/v1/admin/relying-parties', { id: 'no-aud', name: 'X', audiences: [] }, c.operatorKey),
    expect: invalid,
  },
  {
    name: 'create RP with 51 audiences',
    request: (c) =>
      json(
        'POST',
        '/v1/admin/relying-parties',
        { id: 'many', name: 'X', audiences: Array.from({ length: 51 }, (_, i) => `https://a${i}.example`) },
        c.operatorKey,
      ),
    expect: invalid,
  },
  {
    name: 'create RP with a duplicated audience',
    request: (c) => json('POST', '/v1/admin/relying-parties', { id: 'dup', name: 'X', audiences: ['https://d.example', 'https://d.example'] }, c.operatorKey),
    expect: invalid,
  },
  {
    name: 'create RP with a callback origin carrying a path',
    request: (c) =>
      json(
        'POST',
        '/v1/admin/relying-parties',
        { id: 'cb1', name: 'X', audiences: ['https://cb1.example'], callbackOrigins: ['https://cb1.example/hook'] },
        c.operatorKey,
      ),
    expect: invalid,
  },
  {
    name: 'create RP with an http callback origin (not loopback)',
    request: (c) =>
      json(
        'POST',
        '/v1/admin/relying-parties',
        { id: 'cb2', name: 'X', audiences: ['https://cb2.example'], callbackOrigins: ['http://cb2.example'] },
        c.operatorKey,
      ),
    expect: invalid,
  },
  {
    name: 'create RP with a javascript: logo',
    request: (c) =>
      json('POST', '/v1/admin/relying-parties', { id: 'logo', name: 'X', audiences: ['https://logo.example'], logoUri: 'javascript:alert(1)' }, c.operatorKey),
    expect: invalid,
  },
  {
    name: 'create RP with a user-info callback origin',
    request: (c) =>
      json(
        'POST',
        '/v1/admin/relying-parties',
        { id: 'cb3', name: 'X', audiences: ['https://cb3.example'], callbackOrigins: ['https://a:b@cb3.example'] },
        c.operatorKey,
      ),
    expect: invalid,
  },
  {
    name: "create RP with a relying party's key",
    request: (c) => json('POST', '/v1/admin/relying-parties', { id: 'x', name: 'X', audiences: ['https://x.example'] }, c.rpKey),
    expect: { status: 403, code: 'auth.forbidden' },
  },
  { name: 'list RPs without a key', request: () => ({ method: 'GET', url: '/v1/admin/relying-parties' }), expect: { status: 401, code: 'auth.unauthorized' } },
  {
    name: "list RPs with a relying party's key",
    request: (c) => ({ method: 'GET', url: '/v1/admin/relying-parties', key: c.rpKey }),
    expect: { status: 403, code: 'auth.forbidden' },
  },
  { name: 'PATCH RP: empty body', request: (c) => json('PATCH', `/v1/admin/relying-parties/${c.rpId}`, {}, c.operatorKey), expect: invalid },
  {
    name: 'PATCH RP: unknown member',
    request: (c) => json('PATCH', `/v1/admin/relying-parties/${c.rpId}`, { apiKeyHash: 'a'.repeat(64) }, c.operatorKey),
    expect: invalid,
  },
  {
    name: 'PATCH RP: rotateApiKey false',
    request: (c) => json('PATCH', `/v1/admin/relying-parties/${c.rpId}`, { rotateApiKey: false }, c.operatorKey),
    expect: invalid,
  },
  {
    name: "PATCH RP: take the operator policy's audience",
    request: (c) =>
      json('PATCH', `/v1/admin/relying-parties/${c.rpId}`, { audiences: ['https://rp.hostile.example.com', 'https://hostile.example.com'] }, c.operatorKey),
    expect: { status: 409, code: 'relying_party.audience_taken' },
  },
  {
    name: 'PATCH RP: drop an audience its policy uses',
    request: (c) => json('PATCH', `/v1/admin/relying-parties/${c.rpId}`, { audiences: ['https://other.example.com'] }, c.operatorKey),
    expect: { status: 409, code: 'relying_party.audience_in_use' },
  },
  {
    name: 'PATCH an unknown RP',
    request: (c) => json('PATCH', '/v1/admin/relying-parties/nobody', { name: 'x' }, c.operatorKey),
    expect: { status: 404, code: 'relying_party.not_found' },
  },
  {
    name: 'PATCH RP with its own key',
    request: (c) => json('PATCH', `/v1/admin/relying-parties/${c.rpId}`, { audiences: ['https://hostile.example.com'] }, c.rpKey),
    expect: { status: 403, code: 'auth.forbidden' },
  },
  // Policies (reserved claims, finding 10; hostile shapes).
  ...['auth_time', 'acr', 'amr', 'active', 'token_type', 'username', 'azp', 'may_act', 'client_id', 'sub'].map((claim): HostileEntry => ({
    name: `policy maps a credential value onto "${claim}"`,
    request: (c) =>
      json(
        'PUT',
        '/v1/admin/policies/reserved',
        policy('reserved', 'https://rp.hostile.example.com', { session: { claims: { [claim]: ['employee', 'credentialSubject', 'x'] } } }),
        c.rpKey,
      ),
    expect: { status: 400, code: 'policy.invalid' },
  })),
  // The JSON parser refuses a body with __proto__ before the policy is read.
  {
    name: 'policy with a __proto__ session claim',
    request: (c) => ({
      method: 'PUT',
      url: '/v1/admin/policies/proto',
      key: c.rpKey,
      raw: '{"id":"proto","audience":"https://rp.hostile.example.com","credentials":[{"id":"e","format":"jwt_vc_json","meta":{"type_values":[["X"]]},"trustedIssuers":["*"]}],"session":{"claims":{"__proto__":["e","x"]}}}',
      headers: { 'content-type': 'application/json' },
    }),
    expect: invalid,
  },
  { name: 'policy body is an array', request: (c) => json('PUT', '/v1/admin/policies/arr', [1, 2], c.rpKey), expect: { status: 400, code: 'policy.invalid' } },
  {
    name: 'policy id taken by the operator',
    request: (c) => json('PUT', `/v1/admin/policies/${c.policyId}`, policy(c.policyId, 'https://rp.hostile.example.com'), c.rpKey),
    expect: { status: 409, code: 'policy.conflict' },
  },
  {
    name: "read another owner's policy",
    request: (c) => ({ method: 'GET', url: `/v1/admin/policies/${c.policyId}`, key: c.rpKey }),
    expect: { status: 404, code: 'policy.not_found' },
  },
  {
    name: "delete another owner's policy",
    request: (c) => ({ method: 'DELETE', url: `/v1/admin/policies/${c.policyId}`, key: c.rpKey }),
    expect: { status: 404, code: 'policy.not_found' },
  },
  {
    name: 'policy body as text/plain',
    request: (c) => ({ method: 'PUT', url: '/v1/admin/policies/text', key: c.rpKey, raw: 'hello', headers: { 'content-type': 'text/plain' } }),
    expect: { status: 415, code: 'request.unsupported_media_type' },
  },
  {
    name: 'policy body of 1.5 MiB',
    request: (c) => ({
      method: 'PUT',
      url: '/v1/admin/policies/big',
      key: c.rpKey,
      raw: JSON.stringify({ pad: 'x'.repeat(1_500_000) }),
      headers: { 'content-type': 'application/json' },
    }),
    expect: { status: 413, code: 'request.too_large' },
  },
  {
    name: 'policy body is truncated JSON',
    request: (c) => ({ method: 'PUT', url: '/v1/admin/policies/trunc', key: c.rpKey, raw: '{"id":"trunc",', headers: { 'content-type': 'application/json' } }),
    expect: invalid,
  },
  // Challenges.
  {
    name: 'challenge for an unknown policy',
    request: () => json('POST', '/v1/challenges', { policy: 'no-such-policy' }),
    expect: { status: 404, code: 'policy.not_found' },
  },
  { name: 'challenge without a policy', request: () => json('POST', '/v1/challenges', {}), expect: invalid },
  { name: 'challenge with a numeric policy', request: () => json('POST', '/v1/challenges', { policy: 7 }), expect: invalid },
  { name: 'challenge with a 10 KB policy id', request: () => json('POST', '/v1/challenges', { policy: 'p'.repeat(10_000) }), expect: invalid },
  {
    name: 'challenge with an extra member',
    request: (c) => json('POST', '/v1/challenges', { policy: c.policyId, audience: 'https://evil.example' }),
    expect: invalid,
  },
  {
    name: 'challenge body null',
    request: () => ({ method: 'POST', url: '/v1/challenges', raw: 'null', headers: { 'content-type': 'application/json' } }),
    expect: invalid,
  },
  // Verify request shape.
  { name: 'verify without policy', request: () => json('POST', '/v1/presentations/verify', { presentation: 'a.b.c' }), expect: invalid },
  {
    name: 'verify for an unknown policy',
    request: () => json('POST', '/v1/presentations/verify', { policy: 'nope', presentation: 'a.b.c' }),
    expect: { status: 404, code: 'policy.not_found' },
  },
  {
    name: 'verify with an extra member',
    request: (c) => json('POST', '/v1/presentations/verify', { policy: c.policyId, presentation: 'a.b.c', admin: true }),
    expect: invalid,
  },
  {
    name: 'verify body as a form',
    request: (c) => form('/v1/presentations/verify', { policy: c.policyId, presentation: 'a.b.c' }),
    expect: { status: 415, code: 'request.unsupported_media_type' },
  },
  // OAuth endpoints.
  {
    name: 'token: unknown grant_type',
    request: () => form('/v1/token', { grant_type: 'password', username: 'a', password: 'b' }),
    expect: { status: 400, oauthError: 'unsupported_grant_type' },
  },
  { name: 'token: no grant_type', request: () => form('/v1/token', { subject_token: 'x' }), expect: { status: 400, oauthError: 'invalid_request' } },
  {
    name: 'token: a garbage subject_token for a known policy',
    request: (c) =>
      form('/v1/token', {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: 'garbage',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        policy: c.policyId,
      }),
    expect: { status: 400, oauthError: 'invalid_grant' },
  },
  {
    name: 'token: an audience no policy has',
    request: () =>
      form('/v1/token', {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: 'x',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        audience: 'https://nobody.example.com',
      }),
    expect: { status: 400, oauthError: 'invalid_target' },
  },
  { name: 'introspect without a key', request: () => form('/v1/sessions/introspect', { token: 'x' }), expect: { status: 401, oauthError: 'invalid_client' } },
  {
    name: 'introspect with a wrong key',
    request: () => form('/v1/sessions/introspect', { token: 'x' }, 'kpk_wrong'),
    expect: { status: 401, oauthError: 'invalid_client' },
  },
  { name: 'introspect without a token', request: (c) => form('/v1/sessions/introspect', {}, c.rpKey), expect: { status: 400, oauthError: 'invalid_request' } },
  { name: 'revoke without a key', request: () => form('/v1/sessions/revoke', { token: 'x' }), expect: { status: 401, oauthError: 'invalid_client' } },
  // Forward-auth.
  { name: 'auth check without a token', request: () => ({ method: 'GET', url: '/v1/auth/check' }), expect: { status: 401, code: 'session.missing' } },
  {
    name: 'auth check with a garbage token',
    request: () => ({ method: 'GET', url: '/v1/auth/check', headers: { authorization: 'Bearer garbage' } }),
    expect: { status: 401, code: 'session.invalid' },
  },
  {
    name: 'auth check with a malformed client_id pin',
    request: () => ({ method: 'GET', url: '/v1/auth/check?client_id=%00evil', headers: { authorization: 'Bearer x' } }),
    expect: invalid,
  },
  {
    name: 'auth check with the client_id pin repeated',
    request: () => ({ method: 'GET', url: '/v1/auth/check?client_id=a&client_id=b', headers: { authorization: 'Bearer x' } }),
    expect: invalid,
  },
  {
    name: 'auth check with an unknown parameter',
    request: () => ({ method: 'GET', url: '/v1/auth/check?audiance=x', headers: { authorization: 'Bearer x' } }),
    expect: invalid,
  },
  {
    name: 'envoy check with a malformed required client',
    request: () => ({ method: 'POST', url: '/v1/auth/check/envoy/x', headers: { authorization: 'Bearer x', 'x-kparty-required-client': 'Bad Client' } }),
    expect: invalid,
  },
  // Audit and keys.
  { name: 'audit with limit 0', request: (c) => ({ method: 'GET', url: '/v1/admin/audit?limit=0', key: c.rpKey }), expect: invalid },
  { name: 'audit with a garbage cursor', request: (c) => ({ method: 'GET', url: '/v1/admin/audit?before=%00%00', key: c.rpKey }), expect: invalid },
  {
    name: 'key rotation by a relying party',
    request: (c) => ({ method: 'POST', url: '/v1/admin/keys/rotate', key: c.rpKey }),
    expect: { status: 403, code: 'auth.forbidden' },
  },
  {
    name: 'key rotation with immediate=yes',
    request: (c) => ({ method: 'POST', url: '/v1/admin/keys/rotate?immediate=yes', key: c.operatorKey }),
    expect: invalid,
  },
  { name: 'an unknown route', request: () => ({ method: 'GET', url: '/v1/../../etc/passwd' }), expect: { status: 404, code: 'route.not_found' } },
  {
    name: 'an admin call with an over-long key',
    request: () => ({ method: 'GET', url: '/v1/admin/policies', key: 'k'.repeat(5000) }),
    expect: { status: 401, code: 'auth.unauthorized' },
  },
];
