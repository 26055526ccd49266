/**
 * Hostile requests to the OpenID4VP 1.0 endpoints (docs/oid4vp.md): the
 * relying party's POST /v1/oid4vp/requests (redirectUri, callbackUrl, dpopJkt),
 * the wallet's request_uri POST (wallet_metadata, wallet_nonce) and the
 * response endpoint (form bodies, `response` JWEs with other algorithms or
 * keys, missing or foreign state, replays, oversized bodies).
 */
import { CompactEncrypt, decodeJwt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { HostileContext, HostileEntry, HostileRequest } from '../hostile-entry.js';

const b64u = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const form = (url: string, fields: Record<string, string>, key?: string): HostileRequest => ({
  method: 'POST',
  url,
  raw: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  ...(key !== undefined ? { key } : {}),
});
const create = (c: HostileContext, body: Record<string, unknown>, key = c.rpKey): HostileRequest => ({
  method: 'POST',
  url: '/v1/oid4vp/requests',
  key,
  body: { policy: 'hostile-rp-policy', ...body },
});
const invalid = { status: 400, code: 'request.invalid' };
const responseInvalid = { status: 400, code: 'oid4vp.response_invalid' };
/** A JWE-shaped string with the given protected header (never decryptable). */
const fakeJwe = (header: Record<string, unknown>): string => `${b64u(header)}..${b64u('iv-iv-iv-iv-')}.${b64u('ciphertext')}.${b64u('tag-tag-tag-tag-')}`;
const respond = async (
  c: HostileContext,
  fields: (r: Awaited<ReturnType<HostileContext['oid4vpRequest']>>) => Record<string, string>,
  body: Record<string, unknown> = {},
): Promise<HostileRequest> => {
  const r = await c.oid4vpRequest(body);
  return form(`/v1/oid4vp/responses/${r.id}`, fields(r));
};
const direct = { responseMode: 'direct_post' };

export const oid4vpEntries: HostileEntry[] = [
  // The relying party's side.
  { name: 'create: unknown policy', request: (c) => create(c, { policy: 'nope' }), expect: { status: 404, code: 'policy.not_found' } },
  { name: "create: another owner's policy", request: (c) => create(c, { policy: c.policyId }), expect: { status: 404, code: 'policy.not_found' } },
  {
    name: 'create: without a key',
    request: () => ({ method: 'POST', url: '/v1/oid4vp/requests', body: { policy: 'hostile-rp-policy' } }),
    expect: { status: 401, code: 'auth.unauthorized' },
  },
  { name: 'create: unknown member', request: (c) => create(c, { nonce: 'chosen-by-attacker' }), expect: invalid },
  { name: 'create: unknown flow', request: (c) => create(c, { flow: 'no_device' }), expect: invalid },
  { name: 'create: unknown responseMode', request: (c) => create(c, { responseMode: 'fragment' }), expect: invalid },
  { name: 'create: same_device without redirectUri', request: (c) => create(c, { flow: 'same_device' }), expect: invalid },
  {
    name: 'create: same_device redirectUri javascript:',
    request: (c) => create(c, { flow: 'same_device', redirectUri: 'javascript:alert(1)' }),
    expect: invalid,
  },
  {
    name: 'create: same_device redirectUri with user info',
    request: (c) => create(c, { flow: 'same_device', redirectUri: 'https://a:b@shop.example/done' }),
    expect: invalid,
  },
  {
    name: 'create: same_device redirectUri of 10 KB',
    request: (c) => create(c, { flow: 'same_device', redirectUri: `https://shop.example/${'a'.repeat(10_000)}` }),
    expect: invalid,
  },
  // Stored and handed to the wallet as sent: a URL parser's repairs must not be needed (fixed in this round: were 201).
  {
    name: 'create: redirectUri with a NUL',
    request: (c) => create(c, { flow: 'same_device', redirectUri: 'https://shop.example/\u0000done' }),
    expect: invalid,
  },
  {
    name: 'create: redirectUri with a backslash authority',
    request: (c) => create(c, { flow: 'same_device', redirectUri: 'https:/\\evil.example/done' }),
    expect: invalid,
  },
  {
    name: 'create: redirectUri with a space and a newline',
    request: (c) => create(c, { flow: 'same_device', redirectUri: 'https://shop.example/a b\nc' }),
    expect: invalid,
  },
  {
    name: 'create: redirectUri with raw non-ASCII',
    request: (c) => create(c, { flow: 'same_device', redirectUri: 'https://shöp.example/done' }),
    expect: invalid,
  },
  { name: 'create: callbackUrl with a backslash', request: (c) => create(c, { callbackUrl: 'https:\\\\evil.example/hook' }), expect: invalid },
  {
    name: 'create: callbackUrl on an unregistered origin',
    request: (c) => create(c, { callbackUrl: 'https://evil.example/hook' }),
    expect: { status: 400, code: 'oid4vp.callback_origin_not_registered' },
  },
  {
    name: 'create: callbackUrl on a private address',
    request: (c) => create(c, { callbackUrl: 'https://169.254.169.254/latest/meta-data' }),
    expect: { status: 400, code: 'oid4vp.callback_origin_not_registered' },
  },
  { name: 'create: callbackUrl not a URL', request: (c) => create(c, { callbackUrl: 'not a url' }), expect: invalid },
  { name: 'create: callbackUrl file:', request: (c) => create(c, { callbackUrl: 'file:///etc/passwd' }), expect: invalid },
  { name: 'create: dpopJkt too short', request: (c) => create(c, { dpopJkt: 'abc' }), expect: invalid },
  { name: 'create: dpopJkt not base64url', request: (c) => create(c, { dpopJkt: '+'.repeat(43) }), expect: invalid },
  { name: 'create: dpopJkt a number', request: (c) => create(c, { dpopJkt: 42 }), expect: invalid },
  {
    name: 'create: body of 1.5 MiB',
    request: (c) => ({
      method: 'POST',
      url: '/v1/oid4vp/requests',
      key: c.rpKey,
      raw: JSON.stringify({ policy: 'hostile-rp-policy', pad: 'x'.repeat(1_500_000) }),
      headers: { 'content-type': 'application/json' },
    }),
    expect: { status: 413, code: 'request.too_large' },
  },
  {
    name: 'read: an id that is not one',
    request: (c) => ({ method: 'GET', url: '/v1/oid4vp/requests/..%2F..%2Fadmin', key: c.rpKey }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  {
    name: "read: another relying party's view with the operator key",
    request: async (c) => ({ method: 'GET', url: `/v1/oid4vp/requests/${(await c.oid4vpRequest()).id}?response_code=${'x'.repeat(200)}`, key: c.rpKey }),
    expect: { status: 403, code: 'oid4vp.response_code_invalid' },
  },
  {
    name: 'read: response_code repeated',
    request: async (c) => ({ method: 'GET', url: `/v1/oid4vp/requests/${(await c.oid4vpRequest()).id}?response_code=a&response_code=b`, key: c.rpKey }),
    expect: { status: 403, code: 'oid4vp.response_code_invalid' },
  },
  {
    name: 'create: a vc+jwt policy (no OpenID4VP 1.0 identifier)',
    request: (c) => create(c, { policy: c.policyV2Id }, c.operatorKey),
    expect: { status: 422, code: 'oid4vp.policy_unsupported' },
  },
  {
    name: 'read: a wrong response_code',
    request: async (c) => ({
      method: 'GET',
      url: `/v1/oid4vp/requests/${(await c.oid4vpRequest({ flow: 'same_device', redirectUri: 'https://shop.example/done' })).id}?response_code=guess`,
      key: c.rpKey,
    }),
    expect: { status: 403, code: 'oid4vp.response_code_invalid' },
  },
  {
    name: "read: another relying party's request",
    request: async (c) => ({ method: 'GET', url: `/v1/oid4vp/requests/${(await c.oid4vpRequest()).id}`, key: c.otherRpKey }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  {
    name: "cancel: another relying party's request",
    request: async (c) => ({ method: 'DELETE', url: `/v1/oid4vp/requests/${(await c.oid4vpRequest()).id}`, key: c.otherRpKey }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  {
    name: 'hosted page: an id that is not one',
    request: () => ({ method: 'GET', url: '/oid4vp/%3Cscript%3E' }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  {
    name: 'hosted page QR: unknown id',
    request: () => ({ method: 'GET', url: `/oid4vp/${'D'.repeat(32)}/qr.svg` }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  {
    name: 'hosted page status: unknown id',
    request: () => ({ method: 'GET', url: `/oid4vp/${'E'.repeat(32)}/status` }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  {
    name: 'OpenID4VP key rotation by a relying party',
    request: (c) => ({ method: 'POST', url: '/v1/admin/oid4vp/keys/rotate', key: c.rpKey }),
    expect: { status: 403, code: 'auth.forbidden' },
  },
  // request_uri (GET and POST).
  {
    name: 'request object: unknown id',
    request: () => ({ method: 'GET', url: `/v1/oid4vp/request-objects/${'A'.repeat(32)}` }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  {
    name: 'request object: id with a dot',
    request: () => ({ method: 'GET', url: '/v1/oid4vp/request-objects/abc.def.ghi.jkl.mno' }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  {
    name: 'request_uri POST: wallet_metadata not JSON',
    request: async (c) => form(`/v1/oid4vp/request-objects/${(await c.oid4vpRequest()).id}`, { wallet_metadata: '{not json' }),
    expect: invalid,
  },
  {
    name: 'request_uri POST: wallet_metadata a JSON array',
    request: async (c) => form(`/v1/oid4vp/request-objects/${(await c.oid4vpRequest()).id}`, { wallet_metadata: '[1,2]' }),
    expect: invalid,
  },
  {
    name: 'request_uri POST: wallet_metadata nested 10000 deep',
    request: async (c) =>
      form(`/v1/oid4vp/request-objects/${(await c.oid4vpRequest()).id}`, { wallet_metadata: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}` }),
    expect: invalid,
  },
  {
    name: 'request_uri POST: wallet_metadata of 20 KB (over 16 KB)',
    request: async (c) => form(`/v1/oid4vp/request-objects/${(await c.oid4vpRequest()).id}`, { wallet_metadata: JSON.stringify({ pad: 'x'.repeat(20_000) }) }),
    expect: invalid,
  },
  {
    name: 'request_uri POST: form body of 300 KB (over KPARTY_OID4VP_MAX_RESPONSE_BYTES)',
    request: async (c) => form(`/v1/oid4vp/request-objects/${(await c.oid4vpRequest()).id}`, { wallet_metadata: JSON.stringify({ pad: 'x'.repeat(300_000) }) }),
    expect: { status: 413, code: 'request.too_large' },
  },
  {
    name: 'request_uri POST: wallet_nonce with control characters',
    request: async (c) => form(`/v1/oid4vp/request-objects/${(await c.oid4vpRequest()).id}`, { wallet_nonce: 'a\u0000b\nc' }),
    expect: invalid,
  },
  {
    name: 'request_uri POST: wallet_nonce of 10 KB',
    request: async (c) => form(`/v1/oid4vp/request-objects/${(await c.oid4vpRequest()).id}`, { wallet_nonce: 'n'.repeat(10_000) }),
    expect: invalid,
  },
  {
    name: 'request_uri POST: wallet_nonce repeated',
    request: async (c) => ({ ...form(`/v1/oid4vp/request-objects/${(await c.oid4vpRequest()).id}`, {}), raw: 'wallet_nonce=a&wallet_nonce=b' }),
    expect: invalid,
  },
  {
    name: 'request_uri POST: text/plain body',
    request: async (c) => ({
      method: 'POST',
      url: `/v1/oid4vp/request-objects/${(await c.oid4vpRequest()).id}`,
      raw: 'wallet_nonce=abc',
      headers: { 'content-type': 'text/plain' },
    }),
    expect: { status: 415, code: 'request.unsupported_media_type' },
  },
  {
    name: 'request_uri POST: unknown id',
    request: () => form(`/v1/oid4vp/request-objects/${'B'.repeat(32)}`, { wallet_nonce: 'abc' }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  // The response endpoint.
  {
    name: 'response: unknown id',
    request: () => form(`/v1/oid4vp/responses/${'C'.repeat(32)}`, { state: 'x', vp_token: '{}' }),
    expect: { status: 404, code: 'oid4vp.request_not_found' },
  },
  { name: 'response: empty form', request: (c) => respond(c, () => ({})), expect: responseInvalid },
  { name: 'response: direct_post without state', request: (c) => respond(c, () => ({ vp_token: '{"employee":["a.b.c"]}' }), direct), expect: responseInvalid },
  {
    name: 'response: direct_post with a foreign state',
    request: (c) => respond(c, () => ({ state: 'A'.repeat(43), vp_token: '{"employee":["a.b.c"]}' }), direct),
    expect: responseInvalid,
  },
  {
    name: "response: direct_post with another request's state",
    request: async (c) => {
      const other = await c.oid4vpRequest(direct);
      return respond(c, () => ({ state: other.state, vp_token: '{}' }), direct);
    },
    expect: responseInvalid,
  },
  {
    name: 'response: state repeated',
    request: (c) => respond(c, (r) => ({ vp_token: '{}', state: r.state }), direct).then((q) => ({ ...q, raw: `${q.raw!}&state=again` })),
    expect: invalid,
  },
  {
    name: 'response: direct_post.jwt request answered in the clear',
    request: (c) => respond(c, (r) => ({ state: r.state, vp_token: '{"employee":["a.b.c"]}' })),
    expect: responseInvalid,
  },
  {
    name: 'response: direct_post request answered with a JWE',
    request: (c) => respond(c, () => ({ response: fakeJwe({ alg: 'ECDH-ES', enc: 'A128GCM' }) }), direct),
    expect: responseInvalid,
  },
  { name: 'response: JWE not five parts', request: (c) => respond(c, () => ({ response: 'a.b.c' })), expect: responseInvalid },
  { name: 'response: JWE header not JSON', request: (c) => respond(c, () => ({ response: `${b64u('{{{')}.x.y.z.w` })), expect: responseInvalid },
  {
    name: 'response: JWE alg RSA-OAEP',
    request: (c) => respond(c, () => ({ response: fakeJwe({ alg: 'RSA-OAEP-256', enc: 'A128GCM' }) })),
    expect: responseInvalid,
  },
  { name: 'response: JWE alg dir', request: (c) => respond(c, () => ({ response: fakeJwe({ alg: 'dir', enc: 'A256GCM' }) })), expect: responseInvalid },
  { name: 'response: JWE alg none', request: (c) => respond(c, () => ({ response: fakeJwe({ alg: 'none', enc: 'A128GCM' }) })), expect: responseInvalid },
  {
    name: 'response: JWE alg ECDH-ES+A256KW',
    request: (c) => respond(c, () => ({ response: fakeJwe({ alg: 'ECDH-ES+A256KW', enc: 'A128GCM' }) })),
    expect: responseInvalid,
  },
  {
    name: 'response: JWE enc A128CBC-HS256',
    request: (c) => respond(c, () => ({ response: fakeJwe({ alg: 'ECDH-ES', enc: 'A128CBC-HS256' }) })),
    expect: responseInvalid,
  },
  {
    name: 'response: JWE with zip DEF',
    request: (c) => respond(c, () => ({ response: fakeJwe({ alg: 'ECDH-ES', enc: 'A128GCM', zip: 'DEF' }) })),
    expect: responseInvalid,
  },
  {
    name: 'response: JWE with a foreign kid',
    request: (c) => respond(c, () => ({ response: fakeJwe({ alg: 'ECDH-ES', enc: 'A128GCM', kid: 'someone-else' }) })),
    expect: responseInvalid,
  },
  {
    name: 'response: JWE with a garbage epk',
    request: (c) => respond(c, () => ({ response: fakeJwe({ alg: 'ECDH-ES', enc: 'A128GCM', epk: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' } }) })),
    expect: responseInvalid,
  },
  {
    name: 'response: JWE encrypted to another key',
    request: async (c) => {
      const { publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
      const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ state: 'x', vp_token: {} })))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM' })
        .encrypt(publicKey);
      void exportJWK;
      return respond(c, () => ({ response: jwe }));
    },
    expect: responseInvalid,
  },
  {
    name: 'response: JWE of 1.1 MB',
    request: (c) => respond(c, () => ({ response: `${'a'.repeat(1_100_000)}.b.c.d.e` })),
    expect: { status: 413, code: 'request.too_large' },
  },
  {
    name: 'response: JSON body with a foreign state',
    request: async (c) => ({ method: 'POST', url: `/v1/oid4vp/responses/${(await c.oid4vpRequest(direct)).id}`, body: { state: 'x', vp_token: {} } }),
    expect: responseInvalid,
  },
  {
    name: 'response: multipart body',
    request: async (c) => ({
      method: 'POST',
      url: `/v1/oid4vp/responses/${(await c.oid4vpRequest(direct)).id}`,
      raw: '--b\r\nContent-Disposition: form-data; name="state"\r\n\r\nx\r\n--b--',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    }),
    expect: { status: 415, code: 'request.unsupported_media_type' },
  },
  {
    name: 'response: form body of 2 MiB',
    request: async (c) => ({ ...form(`/v1/oid4vp/responses/${(await c.oid4vpRequest(direct)).id}`, {}), raw: `vp_token=${'x'.repeat(2_097_152)}` }),
    expect: { status: 413, code: 'request.too_large' },
  },
];

/** A direct_post response to a fresh request carrying its real state, plus `fields` (form) or `json` (JSON body). */
const answer = async (c: HostileContext, fields: Record<string, unknown>, json = false): Promise<HostileRequest> => {
  const r = await c.oid4vpRequest(direct);
  const url = `/v1/oid4vp/responses/${r.id}`;
  if (json) return { method: 'POST', url, body: { state: r.state, ...fields } };
  return form(url, { state: r.state, ...(fields as Record<string, string>) });
};
const decided = { status: 200, walletDecision: 'rejected' as const };

/** Responses carrying the request's own state: the request ends rejected and the wallet gets `{}` (OpenID4VP 1.0 §8.2). */
export const oid4vpDecisionEntries: HostileEntry[] = [
  {
    name: 'response: wallet error of 10 KB with control characters',
    request: (c) => answer(c, { error: `access_denied\u0000\r\n${'x'.repeat(10_000)}`, error_description: 'y'.repeat(20_000) }),
    expect: decided,
  },
  { name: 'response: wallet error "__proto__"', request: (c) => answer(c, { error: '__proto__' }), expect: decided },
  { name: 'response: vp_token not JSON', request: (c) => answer(c, { vp_token: '{not json' }), expect: decided },
  { name: 'response: vp_token a JSON array', request: (c) => answer(c, { vp_token: '["a.b.c"]' }), expect: decided },
  {
    name: 'response: vp_token with a __proto__ query id',
    request: (c) => answer(c, { vp_token: '{"__proto__":["a.b.c"],"employee":["a.b.c"]}' }),
    expect: decided,
  },
  {
    name: 'response: vp_token with 2000 query ids',
    request: (c) => answer(c, { vp_token: JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`q${i}`, ['a']]))) }),
    expect: decided,
  },
  {
    name: 'response: vp_token with 1000 presentations for one query',
    request: (c) => answer(c, { vp_token: JSON.stringify({ employee: Array.from({ length: 1000 }, () => 'a.b.c') }) }),
    expect: decided,
  },
  {
    name: 'response: vp_token nested 5000 deep',
    request: (c) => answer(c, { vp_token: `{"employee":[${'['.repeat(5000)}${']'.repeat(5000)}]}` }),
    expect: decided,
  },
  { name: 'response: vp_token with an empty presentation list', request: (c) => answer(c, { vp_token: '{"employee":[]}' }), expect: decided },
  { name: 'response: vp_token presentation a number', request: (c) => answer(c, { vp_token: '{"employee":[12]}' }), expect: decided },
  { name: 'response: JSON body, vp_token an object', request: (c) => answer(c, { vp_token: { employee: ['a.b.c'] } }, true), expect: decided },
  { name: 'response: JSON body, vp_token a number', request: (c) => answer(c, { vp_token: 12 }, true), expect: decided },
  { name: 'response: JSON body, error an object', request: (c) => answer(c, { error: { code: 'x' } }, true), expect: decided },
  {
    name: 'response: JSON body, vp_token presentation an object nested 100 deep',
    request: (c) => answer(c, { vp_token: { employee: [JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`)] } }, true),
    expect: decided,
  },
  {
    name: 'response: a replay after the request was decided',
    request: async (c) => {
      const first = await answer(c, { error: 'access_denied' });
      await c.kparty.request(first.method, first.url, first);
      return first;
    },
    expect: { status: 410, code: 'oid4vp.request_closed' },
  },
  {
    name: 'response: to a cancelled request',
    request: async (c) => {
      const r = await c.oid4vpRequest(direct);
      await c.kparty.request('DELETE', `/v1/oid4vp/requests/${r.id}`, { key: c.rpKey });
      return form(`/v1/oid4vp/responses/${r.id}`, { state: r.state, vp_token: '{}' });
    },
    expect: { status: 410, code: 'oid4vp.request_closed' },
  },
  {
    name: 'request object: after cancellation',
    request: async (c) => {
      const r = await c.oid4vpRequest();
      await c.kparty.request('DELETE', `/v1/oid4vp/requests/${r.id}`, { key: c.rpKey });
      return { method: 'GET', url: `/v1/oid4vp/request-objects/${r.id}` };
    },
    expect: { status: 410, code: 'oid4vp.request_closed' },
  },
];

/** A direct_post.jwt response encrypted to the request's own key (from its request object), with `plaintext`. */
const encrypted = async (c: HostileContext, plaintext: (state: string) => string, header: Record<string, unknown> = {}): Promise<HostileRequest> => {
  const r = await c.oid4vpRequest();
  const object = await c.kparty.request('GET', `/v1/oid4vp/request-objects/${r.id}`);
  const metadata = decodeJwt(object.text).client_metadata as { jwks: { keys: Array<Record<string, unknown>> } };
  const jwk = metadata.jwks.keys[0]!;
  const jwe = await new CompactEncrypt(new TextEncoder().encode(plaintext(r.state)))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}), ...header })
    .encrypt(await importJWK({ ...jwk, alg: 'ECDH-ES' } as JWK, 'ECDH-ES'));
  return form(`/v1/oid4vp/responses/${r.id}`, { response: jwe });
};

/** Responses encrypted to the right key whose plaintext is hostile. */
export const oid4vpEncryptedEntries: HostileEntry[] = [
  { name: 'encrypted response: plaintext not JSON', request: (c) => encrypted(c, () => 'not json'), expect: responseInvalid },
  { name: 'encrypted response: plaintext a JSON array', request: (c) => encrypted(c, (state) => JSON.stringify([state])), expect: responseInvalid },
  {
    name: 'encrypted response: a foreign state inside',
    request: (c) => encrypted(c, () => JSON.stringify({ state: 'A'.repeat(43), vp_token: {} })),
    expect: responseInvalid,
  },
  {
    name: 'encrypted response: no state inside',
    request: (c) => encrypted(c, () => JSON.stringify({ vp_token: { employee: ['a.b.c'] } })),
    expect: responseInvalid,
  },
  {
    name: 'encrypted response: a nested JWE inside',
    request: (c) => encrypted(c, () => `${b64u({ alg: 'ECDH-ES', enc: 'A128GCM' })}..a.b.c`),
    expect: responseInvalid,
  },
  {
    name: 'encrypted response: a signed JWT inside',
    request: (c) => encrypted(c, (state) => `${b64u({ alg: 'none' })}.${b64u({ state, vp_token: {} })}.`),
    expect: responseInvalid,
  },
  {
    name: 'encrypted response: plaintext nested 5000 deep',
    request: (c) => encrypted(c, (state) => `{"state":"${state}","vp_token":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`),
    expect: { status: 200, walletDecision: 'rejected' },
  },
  {
    name: 'encrypted response: state right, vp_token garbage',
    request: (c) => encrypted(c, (state) => JSON.stringify({ state, vp_token: { employee: ['garbage'] } })),
    expect: { status: 200, walletDecision: 'rejected' },
  },
  {
    name: 'encrypted response: state right, vp_token a string',
    request: (c) => encrypted(c, (state) => JSON.stringify({ state, vp_token: 'a.b.c' })),
    expect: { status: 200, walletDecision: 'rejected' },
  },
  {
    name: 'encrypted response: state an object',
    request: (c) => encrypted(c, (state) => JSON.stringify({ state: { state }, vp_token: {} })),
    expect: responseInvalid,
  },
  {
    name: 'encrypted response: with a header apu/apv of 10 KB',
    request: (c) => encrypted(c, (state) => JSON.stringify({ state, vp_token: {} }), { apu: b64u('u'.repeat(10_000)) }),
    expect: { status: 200, walletDecision: 'rejected' },
  },
];
