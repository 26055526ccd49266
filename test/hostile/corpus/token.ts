/**
 * Hostile requests to POST /v1/token's refresh_token grant (RFC 6749 §6,
 * docs/sessions.md: malformed, oversized, repeated tokens, broken client
 * authentication), DPoP proofs (RFC 9449: huge, several, not a JWS, a private
 * key, HS256, stale iat) and X-Forwarded-* headers on /v1/auth/check.
 */
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { HostileContext, HostileEntry, HostileRequest } from '../hostile-entry.js';

const REFRESH = 'refresh_token';
const b64u = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const token = (fields: Record<string, string>, headers: Record<string, string> = {}, raw?: string): HostileRequest => ({
  method: 'POST',
  url: '/v1/token',
  raw: raw ?? new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
});
const refresh = (refreshToken: string, headers: Record<string, string> = {}): HostileRequest =>
  token({ grant_type: REFRESH, refresh_token: refreshToken }, headers);
const invalidGrant = { status: 400, oauthError: 'invalid_grant' };
const invalidRequest = { status: 400, oauthError: 'invalid_request' };
const invalidClient = { status: 401, oauthError: 'invalid_client' };
const invalidDpop = { status: 400, oauthError: 'invalid_dpop_proof' };
const now = (): number => Math.floor(Date.now() / 1000);

/** A DPoP proof for POST /v1/token signed by a fresh ES256 key, with header/payload changes. */
async function dpop(change: { header?: Record<string, unknown>; payload?: Record<string, unknown>; privateInHeader?: boolean } = {}): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = change.privateInHeader ? await exportJWK(privateKey) : await exportJWK(publicKey);
  return new SignJWT({ htm: 'POST', htu: 'http://localhost/v1/token', jti: `j${Math.random()}`, iat: now(), ...change.payload })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...change.header })
    .sign(privateKey);
}
const hs256Dpop = async (): Promise<string> =>
  new SignJWT({ htm: 'POST', htu: 'http://localhost/v1/token', jti: 'j1', iat: now() })
    .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: b64u('secret') } as unknown as Record<string, string> })
    .sign(new TextEncoder().encode('secret-secret-secret-secret-secret'));
const noneDpop = (): string =>
  `${b64u({ alg: 'none', typ: 'dpop+jwt', jwk: { kty: 'OKP', crv: 'Ed25519', x: b64u(Buffer.alloc(32)) } })}.${b64u({ htm: 'POST', htu: 'http://localhost/v1/token', jti: 'j', iat: now() })}.`;
const check = (headers: Record<string, string>): HostileRequest => ({ method: 'GET', url: '/v1/auth/check', headers });

export const tokenEntries: HostileEntry[] = [
  // refresh_token grant.
  { name: 'refresh: missing refresh_token', request: () => token({ grant_type: REFRESH }), expect: invalidRequest },
  { name: 'refresh: empty refresh_token', request: () => refresh(''), expect: invalidRequest },
  { name: 'refresh: garbage refresh_token', request: () => refresh('garbage'), expect: invalidGrant },
  { name: 'refresh: a refresh token of 43 base64url chars never issued', request: () => refresh('A'.repeat(43)), expect: invalidGrant },
  { name: 'refresh: a JWT as refresh token', request: () => refresh(`${b64u({ alg: 'none' })}.${b64u({ sub: 'admin' })}.`), expect: invalidGrant },
  { name: 'refresh: refresh token of 100 KB', request: () => refresh('r'.repeat(100_000)), expect: invalidRequest },
  { name: 'refresh: refresh token with NUL and newline', request: () => refresh('abc\u0000def\nghi'), expect: invalidGrant },
  { name: 'refresh: refresh_token repeated', request: () => token({}, {}, 'grant_type=refresh_token&refresh_token=a&refresh_token=b'), expect: invalidRequest },
  {
    name: 'refresh: grant_type repeated',
    request: () => token({}, {}, 'grant_type=refresh_token&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&refresh_token=a'),
    expect: invalidRequest,
  },
  {
    name: 'refresh: scope of 10 KB',
    request: () => token({ grant_type: REFRESH, refresh_token: 'A'.repeat(43), scope: 's '.repeat(5000) }),
    expect: invalidRequest,
  },
  {
    name: 'refresh: JSON body with a garbage token',
    request: () => ({ method: 'POST', url: '/v1/token', body: { grant_type: REFRESH, refresh_token: 'x' } }),
    expect: invalidGrant,
  },
  {
    name: 'refresh: JSON body with the token an array',
    request: () => ({ method: 'POST', url: '/v1/token', body: { grant_type: REFRESH, refresh_token: ['a', 'b'] } }),
    expect: invalidRequest,
  },
  {
    name: 'refresh: text/plain body',
    request: () => token({}, { 'content-type': 'text/plain' }, 'grant_type=refresh_token&refresh_token=x'),
    expect: { status: 415, oauthError: 'invalid_request' },
  },
  {
    name: 'refresh: form body of 2 MiB',
    request: () => token({}, {}, `grant_type=refresh_token&refresh_token=${'x'.repeat(2_097_152)}`),
    expect: { status: 413, oauthError: 'invalid_request' },
  },
  // Client authentication.
  { name: 'refresh: Basic header not base64', request: () => refresh('A'.repeat(43), { authorization: 'Basic %%%%' }), expect: invalidClient },
  {
    name: 'refresh: Basic header without a colon',
    request: () => refresh('A'.repeat(43), { authorization: `Basic ${Buffer.from('hostile-rp').toString('base64')}` }),
    expect: invalidClient,
  },
  {
    name: 'refresh: Basic header with a wrong secret',
    request: (c) => refresh('A'.repeat(43), { authorization: `Basic ${Buffer.from(`${c.rpId}:wrong`).toString('base64')}` }),
    expect: invalidClient,
  },
  {
    name: 'refresh: Basic header of 10 KB',
    request: () => refresh('A'.repeat(43), { authorization: `Basic ${Buffer.from(`a:${'b'.repeat(7000)}`).toString('base64')}` }),
    expect: invalidClient,
  },
  {
    name: 'refresh: Basic client id with percent-encoded NUL',
    request: () => refresh('A'.repeat(43), { authorization: `Basic ${Buffer.from('a%00b:secret').toString('base64')}` }),
    expect: invalidClient,
  },
  { name: 'refresh: unknown authorization scheme', request: () => refresh('A'.repeat(43), { authorization: 'Digest username="x"' }), expect: invalidClient },
  { name: 'refresh: Bearer with a wrong key', request: () => refresh('A'.repeat(43), { authorization: 'Bearer kpk_wrong' }), expect: invalidClient },
  // DPoP.
  { name: 'DPoP: not a JWS', request: () => refresh('A'.repeat(43), { dpop: 'not-a-jws' }), expect: invalidDpop },
  { name: 'DPoP: 8 KB header', request: () => refresh('A'.repeat(43), { dpop: `${'a'.repeat(4000)}.${'b'.repeat(4000)}.c` }), expect: invalidDpop },
  { name: 'DPoP: two proofs in one header', request: async () => refresh('A'.repeat(43), { dpop: `${await dpop()}, ${await dpop()}` }), expect: invalidDpop },
  { name: 'DPoP: alg none', request: () => refresh('A'.repeat(43), { dpop: noneDpop() }), expect: invalidDpop },
  { name: 'DPoP: HS256 with an oct jwk', request: async () => refresh('A'.repeat(43), { dpop: await hs256Dpop() }), expect: invalidDpop },
  {
    name: 'DPoP: jwk carries the private key',
    request: async () => refresh('A'.repeat(43), { dpop: await dpop({ privateInHeader: true }) }),
    expect: invalidDpop,
  },
  { name: 'DPoP: typ JWT', request: async () => refresh('A'.repeat(43), { dpop: await dpop({ header: { typ: 'JWT' } }) }), expect: invalidDpop },
  {
    name: 'DPoP: iat an hour old',
    request: async () => refresh('A'.repeat(43), { dpop: await dpop({ payload: { iat: now() - 3600 } }) }),
    expect: invalidDpop,
  },
  {
    name: 'DPoP: iat a day ahead',
    request: async () => refresh('A'.repeat(43), { dpop: await dpop({ payload: { iat: now() + 86_400 } }) }),
    expect: invalidDpop,
  },
  { name: 'DPoP: iat a string', request: async () => refresh('A'.repeat(43), { dpop: await dpop({ payload: { iat: String(now()) } }) }), expect: invalidDpop },
  { name: 'DPoP: htm GET', request: async () => refresh('A'.repeat(43), { dpop: await dpop({ payload: { htm: 'GET' } }) }), expect: invalidDpop },
  {
    name: 'DPoP: htu of another server',
    request: async () => refresh('A'.repeat(43), { dpop: await dpop({ payload: { htu: 'https://evil.example/v1/token' } }) }),
    expect: invalidDpop,
  },
  { name: 'DPoP: no jti', request: async () => refresh('A'.repeat(43), { dpop: await dpop({ payload: { jti: undefined } }) }), expect: invalidDpop },
  {
    name: 'DPoP: jti of 10 KB',
    request: async () => refresh('A'.repeat(43), { dpop: await dpop({ payload: { jti: 'j'.repeat(10_000) } }) }),
    expect: invalidDpop,
  },
  // Forward-auth and X-Forwarded-*.
  {
    name: 'auth check: X-Forwarded-Host of 10 KB',
    request: () => check({ authorization: 'Bearer x', 'x-forwarded-host': 'h'.repeat(10_000) }),
    expect: { status: 401, code: 'session.invalid' },
  },
  {
    name: 'auth check: X-Forwarded-Proto javascript',
    request: () => check({ authorization: 'DPoP x', 'x-forwarded-proto': 'javascript', dpop: 'a.b.c' }),
    expect: { status: 401, code: 'session.invalid' },
  },
  {
    name: 'auth check: X-Forwarded-Uri with a CRLF',
    request: () => check({ authorization: 'Bearer x', 'x-forwarded-uri': '/a%0d%0aSet-Cookie:%20x=1' }),
    expect: { status: 401, code: 'session.invalid' },
  },
  {
    name: 'auth check: X-Forwarded-For list of 1000 addresses',
    request: () => check({ authorization: 'Bearer x', 'x-forwarded-for': Array.from({ length: 1000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(', ') }),
    expect: { status: 401, code: 'session.invalid' },
  },
  {
    name: 'auth check: DPoP scheme with a garbage proof',
    request: () => check({ authorization: 'DPoP x', dpop: 'garbage' }),
    expect: { status: 401, code: 'session.invalid' },
  },
  { name: 'auth check: DPoP scheme without a proof', request: () => check({ authorization: 'DPoP x' }), expect: { status: 401, code: 'session.invalid' } },
];

/** Attacks with a live refresh token of the relying party (a confidential client's session, docs/sessions.md). */
export const liveRefreshEntries: HostileEntry[] = [
  { name: 'live refresh: without client authentication', request: async (c) => refresh(await c.refreshToken()), expect: invalidClient },
  {
    name: "live refresh: with another relying party's key",
    request: async (c) => refresh(await c.refreshToken(), { authorization: `Bearer ${c.otherRpKey}` }),
    expect: invalidGrant,
  },
  {
    name: 'live refresh: with the operator key',
    request: async (c) => refresh(await c.refreshToken(), { authorization: `Bearer ${c.operatorKey}` }),
    expect: invalidGrant,
  },
  {
    name: 'live refresh: Basic with the right id and a wrong secret',
    request: async (c) => refresh(await c.refreshToken(), { authorization: `Basic ${Buffer.from(`${c.rpId}:wrong`).toString('base64')}` }),
    expect: invalidClient,
  },
  {
    name: 'live refresh: Basic with another id and the right secret',
    request: async (c) => refresh(await c.refreshToken(), { authorization: `Basic ${Buffer.from(`hostile-rp-2:${c.rpKey}`).toString('base64')}` }),
    expect: invalidClient,
  },
  {
    name: 'live refresh: a DPoP proof on a Bearer session',
    request: async (c) => refresh(await c.refreshToken(), { authorization: `Bearer ${c.rpKey}`, dpop: await dpop() }),
    expect: invalidDpop,
  },
  {
    name: 'live refresh: widening the scope',
    request: async (c) =>
      token({ grant_type: REFRESH, refresh_token: await c.refreshToken(), scope: 'orders:read admin' }, { authorization: `Bearer ${c.rpKey}` }),
    expect: { status: 400, oauthError: 'invalid_scope' },
  },
  {
    name: 'live refresh: the rotated-out token used again (reuse)',
    request: async (c) => {
      const first = await c.refreshToken();
      const rotated = await c.kparty.request('POST', '/v1/token', { ...refresh(first, { authorization: `Bearer ${c.rpKey}` }) });
      if (rotated.status !== 200) throw new Error(`rotation: ${rotated.status} ${rotated.text}`);
      return refresh(first, { authorization: `Bearer ${c.rpKey}` });
    },
    expect: invalidGrant,
  },
  {
    name: 'live refresh: token with a byte flipped',
    request: async (c) => {
      const t = await c.refreshToken();
      return refresh(`${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`, { authorization: `Bearer ${c.rpKey}` });
    },
    expect: invalidGrant,
  },
  {
    name: 'live refresh: token with a trailing space',
    request: async (c) => refresh(`${await c.refreshToken()} `, { authorization: `Bearer ${c.rpKey}` }),
    expect: invalidGrant,
  },
  {
    name: 'live refresh: revoked by another relying party (no effect) then used by it',
    request: async (c) => {
      const t = await c.refreshToken();
      await c.kparty.request('POST', '/v1/sessions/revoke', {
        key: c.otherRpKey,
        raw: new URLSearchParams({ token: t }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      return refresh(t, { authorization: `Bearer ${c.otherRpKey}` });
    },
    expect: invalidGrant,
  },
  {
    name: 'live refresh: used as an access token at auth check',
    request: async (c) => check({ authorization: `Bearer ${await c.refreshToken()}` }),
    expect: { status: 401, code: 'session.invalid' },
  },
];

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** A DPoP-bound session (policy session.dpop optional, no client authentication) and its key. */
async function dpopSession(c: HostileContext): Promise<{ accessToken: string; privateKey: PrivateKey; jwk: Record<string, unknown>; issuer: string }> {
  const issuer = c.kparty.kparty.config.issuer;
  const body = {
    id: 'hostile-rp-dpop',
    audience: 'https://rp.hostile.example.com',
    credentials: [{ id: 'employee', format: 'jwt_vc_json', meta: { type_values: [['EmployeeCredential']] }, trustedIssuers: [c.issuer.did], status: 'ignore' }],
    holderBinding: 'required',
    session: { scope: 'orders:read', dpop: 'required' },
  };
  const put = await c.kparty.request('PUT', '/v1/admin/policies/hostile-rp-dpop', { key: c.rpKey, body });
  if (put.status >= 300) throw new Error(`dpop policy: ${put.status} ${put.text}`);
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const proof = await new SignJWT({ htm: 'POST', htu: `${issuer}/v1/token`, jti: `j${Math.random()}`, iat: now() })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .sign(privateKey);
  const subjectToken = await c.vpJwt([await c.vcJwt()], undefined, 'hostile-rp-dpop');
  const reply = await c.kparty.request('POST', '/v1/token', {
    raw: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      policy: 'hostile-rp-dpop',
    }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: proof },
  });
  if (reply.status !== 200) throw new Error(`dpop session: ${reply.status} ${reply.text}`);
  return { accessToken: reply.body.access_token as string, privateKey, jwk, issuer };
}
const proofFor = async (
  s: { privateKey: PrivateKey; jwk: Record<string, unknown> },
  htm: string,
  htu: string,
  extra: Record<string, unknown> = {},
): Promise<string> =>
  new SignJWT({ htm, htu, jti: `j${Math.random()}`, iat: now(), ...extra })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: s.jwk })
    .sign(s.privateKey);

/**
 * A DPoP-bound access token at forward-auth, with proofs that must not pass (RFC 9449 §4.3, §7). The corpus runs
 * without KPARTY_TRUST_PROXY, so kparty cannot rebuild the original request and refuses every DPoP use at
 * forward-auth; the proof checks behind a trusted gateway are tested in the session suites (docs/sessions.md).
 */
export const dpopSessionEntries: HostileEntry[] = [
  {
    name: 'DPoP session: as a Bearer token',
    request: async (c) => check({ authorization: `Bearer ${(await dpopSession(c)).accessToken}` }),
    expect: { status: 401, code: 'session.dpop_invalid' },
  },
  {
    name: 'DPoP session: without a proof',
    request: async (c) => check({ authorization: `DPoP ${(await dpopSession(c)).accessToken}` }),
    expect: { status: 401, code: 'session.dpop_invalid' },
  },
  {
    name: 'DPoP session: a proof by another key (no trusted gateway)',
    request: async (c) => {
      const s = await dpopSession(c);
      const other = await dpopSession(c);
      return check({ authorization: `DPoP ${s.accessToken}`, dpop: await proofFor(other, 'GET', `${s.issuer}/v1/auth/check`) });
    },
    expect: { status: 401, code: 'session.dpop_invalid' },
  },
  {
    name: 'DPoP session: proof for another host via untrusted X-Forwarded-*',
    request: async (c) => {
      const s = await dpopSession(c);
      return check({
        authorization: `DPoP ${s.accessToken}`,
        dpop: await proofFor(s, 'GET', 'https://api.evil.example/orders'),
        'x-forwarded-method': 'GET',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'api.evil.example',
        'x-forwarded-uri': '/orders',
      });
    },
    expect: { status: 401, code: 'session.dpop_invalid' },
  },
  {
    name: 'DPoP session: proof without ath (no trusted gateway)',
    request: async (c) => {
      const s = await dpopSession(c);
      return check({ authorization: `DPoP ${s.accessToken}`, dpop: await proofFor(s, 'GET', `${s.issuer}/v1/auth/check`) });
    },
    expect: { status: 401, code: 'session.dpop_invalid' },
  },
  {
    name: 'DPoP session: proof with a wrong ath (no trusted gateway)',
    request: async (c) => {
      const s = await dpopSession(c);
      return check({ authorization: `DPoP ${s.accessToken}`, dpop: await proofFor(s, 'GET', `${s.issuer}/v1/auth/check`, { ath: 'A'.repeat(43) }) });
    },
    expect: { status: 401, code: 'session.dpop_invalid' },
  },
  {
    name: 'DPoP: a token-endpoint proof replayed (same jti)',
    request: async (c) => {
      const proof = await dpop({ payload: { htu: `${c.kparty.kparty.config.issuer}/v1/token` } });
      const first = refresh('A'.repeat(43), { dpop: proof });
      const answer = await c.kparty.request(first.method, first.url, first);
      if (answer.body?.error !== 'invalid_grant') throw new Error(`the first use should pass DPoP and fail the grant: ${answer.text}`);
      return first;
    },
    expect: invalidDpop,
  },
  {
    name: 'DPoP session: refresh-less sign-in without a proof (dpop required)',
    request: async (c) => {
      await dpopSession(c);
      return token({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: await c.vpJwt([await c.vcJwt()], undefined, 'hostile-rp-dpop'),
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        policy: 'hostile-rp-dpop',
      });
    },
    expect: invalidDpop,
  },
];

const exchange = (policy: string, subjectToken: string, subjectTokenType = 'urn:ietf:params:oauth:token-type:jwt'): HostileRequest =>
  token({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: subjectToken, subject_token_type: subjectTokenType, policy });

/** The token exchange (RFC 8693) with presentations of this round's formats as subject tokens. */
export const exchangeEntries: HostileEntry[] = [
  { name: 'exchange: an SD-JWT of only tildes', request: (c) => exchange(c.sdPolicyId, '~'.repeat(300)), expect: invalidGrant },
  { name: 'exchange: an SD-JWT with 300 empty disclosures', request: (c) => exchange(c.sdPolicyId, `a.b.c${'~x'.repeat(300)}~`), expect: invalidGrant },
  {
    name: 'exchange: an SD-JWT with a KB-JWT alg none',
    request: (c) =>
      exchange(
        c.sdPolicyId,
        `${b64u({ alg: 'ES256', typ: 'dc+sd-jwt' })}.${b64u({ vct: 'urn:hostile:employee:1' })}.AAAA~${b64u({ alg: 'none', typ: 'kb+jwt' })}.${b64u({ nonce: 'x' })}.`,
      ),
    expect: invalidGrant,
  },
  {
    name: 'exchange: an mdoc DeviceResponse (base64url CBOR)',
    request: (c) => exchange(c.policyId, Buffer.from('a36776657273696f6e63312e3069646f63756d656e7473806673746174757300', 'hex').toString('base64url')),
    expect: invalidGrant,
  },
  {
    name: 'exchange: a CBOR bomb (arrays nested 100000 deep)',
    request: (c) => exchange(c.policyId, Buffer.concat([Buffer.alloc(100_000, 0x81), Buffer.from([0])]).toString('base64url')),
    expect: invalidGrant,
  },
  {
    name: 'exchange: an ldp_vp as a JSON string',
    request: (c) =>
      exchange(
        c.ldpPolicyId,
        JSON.stringify({
          '@context': ['https://www.w3.org/ns/credentials/v2'],
          type: ['VerifiablePresentation'],
          proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: 'z1' },
        }),
      ),
    expect: invalidGrant,
  },
  {
    name: 'exchange: an ldp_vp string nested 5000 deep',
    request: (c) => exchange(c.ldpPolicyId, `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`),
    expect: invalidGrant,
  },
  {
    name: 'exchange: a vp_token object of 2000 query ids',
    request: (c) => exchange(c.policyId, JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`q${i}`, ['a.b.c']])))),
    expect: invalidGrant,
  },
  { name: 'exchange: an unknown subject_token_type', request: (c) => exchange(c.policyId, 'a.b.c', 'urn:evil:token-type'), expect: invalidRequest },
];
