/**
 * The OIDF OpenID4VP 1.0 verifier test plan's kind of negatives, plus
 * kparty's own request lifecycle rules. The wallet is Openid4vpClient or, where
 * a wallet must misbehave, hand-made HTTP with jose.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompactEncrypt, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { fixedClock } from '../../src/core/clock.js';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, p256Identity } from '../support/identities.js';
import { startInProcessKparty, trustingPolicy, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken } from '../support/oid4vp-wallet.js';

const issuer = ed25519Identity();
const holder = p256Identity();
const clock = fixedClock(Date.now());

let kp: InProcessKparty;
let rpKey: string;
let otherRpKey: string;

beforeAll(async () => {
  kp = await startInProcessKparty({}, { clock });
  rpKey = await kp.relyingParty('acme');
  otherRpKey = await kp.relyingParty('globex');
  expect((await kp.request('PUT', '/v1/admin/policies/employee', { key: rpKey, body: trustingPolicy('employee', issuer.did) })).status).toBe(201);
});
afterAll(async () => kp.close());

async function create(body: Record<string, unknown> = {}): Promise<{ id: string; requestUri: string }> {
  const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee', ...body } });
  expect(created.status).toBe(201);
  return created.body as { id: string; requestUri: string };
}

function form(fields: Record<string, string>): { raw: string; headers: Record<string, string> } {
  return { raw: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

async function requestObject(id: string): Promise<Record<string, unknown>> {
  const reply = await kp.request('GET', `/v1/oid4vp/request-objects/${id}`);
  expect(reply.status).toBe(200);
  return decodeJwt(reply.text);
}

async function validVp(payload: { nonce: string; client_id: string }): Promise<string> {
  return presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: payload.nonce, aud: payload.client_id });
}

async function status(id: string): Promise<Record<string, unknown>> {
  return (await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey })).body as Record<string, unknown>;
}

async function postResponse(id: string, fields: Record<string, string>) {
  return kp.request('POST', `/v1/oid4vp/responses/${id}`, form(fields));
}

describe('request objects', () => {
  it('carry typ oauth-authz-req+jwt, response_type vp_token, a ≥128-bit nonce, state, the DCQL query and client_metadata', async () => {
    const { id } = await create();
    const reply = await kp.request('GET', `/v1/oid4vp/request-objects/${id}`);
    expect(reply.headers.get('content-type')).toMatch(/^application\/oauth-authz-req\+jwt/);
    expect(decodeProtectedHeader(reply.text)).toMatchObject({ typ: 'oauth-authz-req+jwt', alg: 'ES256' });
    const payload = decodeJwt(reply.text);
    expect(payload).toMatchObject({ response_type: 'vp_token', response_mode: 'direct_post.jwt', aud: 'https://self-issued.me/v2' });
    expect(Buffer.from(payload.nonce as string, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect((payload.state as string).length).toBeGreaterThanOrEqual(22);
    expect(payload.dcql_query).toEqual({
      credentials: [
        {
          id: 'employee',
          format: 'jwt_vc_json',
          meta: { type_values: [['EmployeeCredential']] },
          claims: [{ path: ['credentialSubject', 'role'], values: ['admin', 'staff'] }, { path: ['credentialSubject', 'email'] }],
          require_cryptographic_holder_binding: true,
        },
      ],
    });
    const metadata = payload.client_metadata as Record<string, unknown>;
    // Every format kparty verifies over OpenID4VP 1.0 (vc+jwt has no 1.0 identifier).
    expect(metadata.vp_formats_supported).toMatchObject({ jwt_vc_json: { alg_values: expect.arrayContaining(['ES256', 'EdDSA']) } });
    expect(Object.keys(metadata.vp_formats_supported as object).sort()).toEqual(['dc+sd-jwt', 'jwt_vc_json', 'ldp_vc', 'mso_mdoc']);
    expect(metadata.encrypted_response_enc_values_supported).toEqual(['A128GCM', 'A256GCM']);
    expect((metadata.jwks as { keys: JWK[] }).keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', use: 'enc', alg: 'ECDH-ES' })]);
    expect((metadata.jwks as { keys: JWK[] }).keys[0]).not.toHaveProperty('d');
    expect(metadata.client_name).toBe('RP acme');
  });

  it('a request_uri fetched twice gives the same nonce and state, and the response still verifies', async () => {
    const { id, requestUri } = await create({ responseMode: 'direct_post' });
    const first = await requestObject(id);
    const second = await requestObject(id);
    expect(second.nonce).toBe(first.nonce);
    expect(second.state).toBe(first.state);
    const request = await resolveRequest(requestUri);
    expect(request.payload.nonce).toBe(first.nonce);
    expect((await submitVpToken(request, { employee: [await validVp(request.payload)] })).status).toBe(200);
    expect((await status(id)).status).toBe('verified');
  });

  it('is never served again once answered', async () => {
    const { id, requestUri } = await create({ responseMode: 'direct_post' });
    const request = await resolveRequest(requestUri);
    await submitVpToken(request, { employee: [await validVp(request.payload)] });
    const again = await kp.request('GET', `/v1/oid4vp/request-objects/${id}`);
    expect(again.status).toBe(410);
    expect(again.body.code).toBe('oid4vp.request_closed');
  });

  it('request_uri_method=post: the wallet POSTs wallet_metadata and wallet_nonce (hand-made), gets the nonce echoed, and the response verifies', async () => {
    const { id, requestUri } = await create({ responseMode: 'direct_post', requestUriMethod: 'post' });
    expect(new URL(requestUri).searchParams.get('request_uri_method')).toBe('post');
    const reply = await kp.request(
      'POST',
      `/v1/oid4vp/request-objects/${id}`,
      form({ wallet_nonce: 'wallet-nonce-abc123', wallet_metadata: JSON.stringify({ vp_formats_supported: { jwt_vc_json: {} } }) }),
    );
    expect(reply.status).toBe(200);
    const payload = decodeJwt(reply.text) as Record<string, string>;
    expect(payload.wallet_nonce).toBe('wallet-nonce-abc123');
    const vp = await validVp({ nonce: payload.nonce!, client_id: payload.client_id! });
    const answer = await postResponse(id, { vp_token: JSON.stringify({ employee: [vp] }), state: payload.state! });
    expect(answer.status).toBe(200);
    expect((await status(id)).status).toBe('verified');
  });

  it.each([
    ['wallet_metadata that is not JSON', { wallet_metadata: '{nope' }],
    ['wallet_metadata that is a JSON array', { wallet_metadata: '[1]' }],
    ['an oversized wallet_metadata', { wallet_metadata: JSON.stringify({ x: 'y'.repeat(20_000) }) }],
    ['a wallet_nonce with spaces', { wallet_nonce: 'a b' }],
    ['an oversized wallet_nonce', { wallet_nonce: 'n'.repeat(300) }],
  ])('request_uri POST with %s is refused (request.invalid) and leaves the request open', async (_name, fields) => {
    const { id } = await create();
    const reply = await kp.request('POST', `/v1/oid4vp/request-objects/${id}`, form(fields));
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('request.invalid');
    expect((await status(id)).status).toBe('pending');
  });

  it('repeated form fields are refused, a JSON body on the form endpoints is not a way around the form parser', async () => {
    const { id } = await create();
    const repeated = await kp.request('POST', `/v1/oid4vp/request-objects/${id}`, {
      raw: 'wallet_nonce=a&wallet_nonce=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.code).toBe('request.invalid');
    const text = await kp.request('POST', `/v1/oid4vp/responses/${id}`, { raw: 'state=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
  });

  it('unknown and malformed ids answer 404 oid4vp.request_not_found', async () => {
    for (const path of [
      '/v1/oid4vp/request-objects/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '/v1/oid4vp/request-objects/..%2F..%2Fetc',
      '/oid4vp/%3Cscript%3E/status',
    ]) {
      const reply = await kp.request('GET', path);
      expect(reply.status).toBe(404);
      expect(reply.body.code).toBe('oid4vp.request_not_found');
    }
  });
});

describe('authorization responses', () => {
  it('a replayed response is refused (410 oid4vp.request_closed) and does not change the outcome', async () => {
    const { id, requestUri } = await create({ responseMode: 'direct_post' });
    const request = await resolveRequest(requestUri);
    const fields = { vp_token: JSON.stringify({ employee: [await validVp(request.payload)] }), state: request.payload.state! };
    expect((await postResponse(id, fields)).status).toBe(200);
    const replay = await postResponse(id, fields);
    expect(replay.status).toBe(410);
    expect(replay.body.code).toBe('oid4vp.request_closed');
    expect((await status(id)).status).toBe('verified');
  });

  it('of two concurrent responses exactly one is taken', async () => {
    const { id, requestUri } = await create({ responseMode: 'direct_post' });
    const request = await resolveRequest(requestUri);
    const fields = { vp_token: JSON.stringify({ employee: [await validVp(request.payload)] }), state: request.payload.state! };
    const replies = await Promise.all([postResponse(id, fields), postResponse(id, fields), postResponse(id, fields)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 410, 410]);
  });

  it.each([
    ['a wrong state', (state: string) => ({ state: `${state}x` })],
    ['a missing state', () => ({})],
    ['an empty state', () => ({ state: '' })],
  ])('%s is refused (400 oid4vp.response_invalid) and the request stays open', async (_name, stateOf) => {
    const { id, requestUri } = await create({ responseMode: 'direct_post' });
    const request = await resolveRequest(requestUri);
    const reply = await postResponse(id, { vp_token: JSON.stringify({ employee: [await validVp(request.payload)] }), ...stateOf(request.payload.state!) });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('oid4vp.response_invalid');
    expect((await status(id)).status).toBe('fetched');
  });

  it('a plaintext response to a direct_post.jwt request, and a JWE to a direct_post request, are refused', async () => {
    const encrypted = await create();
    const payload = await requestObject(encrypted.id);
    const plain = await postResponse(encrypted.id, { vp_token: '{}', state: payload.state as string });
    expect(plain.status).toBe(400);
    expect(plain.body.code).toBe('oid4vp.response_invalid');
    const direct = await create({ responseMode: 'direct_post' });
    const jwe = await postResponse(direct.id, { response: 'a.b.c.d.e' });
    expect(jwe.status).toBe(400);
    expect(jwe.body.code).toBe('oid4vp.response_invalid');
  });

  async function encryptTo(jwk: JWK, plaintext: unknown, header: Record<string, unknown> = {}): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(plaintext)))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', ...(jwk.kid ? { kid: jwk.kid } : {}), ...header })
      .encrypt(await importJWK(jwk, 'ECDH-ES'));
  }

  it("a JWE to another key is refused, with or without a kid naming this request's key, and leaves the request open", async () => {
    const { id } = await create();
    const payload = await requestObject(id);
    const ours = (payload.client_metadata as { jwks: { keys: JWK[] } }).jwks.keys[0]!;
    const { publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const foreign = await exportJWK(publicKey);
    for (const jwk of [foreign, { ...foreign, kid: ours.kid }]) {
      const reply = await postResponse(id, { response: await encryptTo(jwk, { state: payload.state, vp_token: {} }) });
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('oid4vp.response_invalid');
    }
    expect((await status(id)).status).toBe('fetched');
  });

  it.each([
    ['another alg (ECDH-ES+A128KW)', { alg: 'ECDH-ES+A128KW' }],
    ['another enc (A128CBC-HS256)', { enc: 'A128CBC-HS256' }],
    ['a compressed payload', { zip: 'DEF' }],
  ])('a JWE with %s is refused', async (_name, header) => {
    const { id } = await create();
    const payload = await requestObject(id);
    const ours = (payload.client_metadata as { jwks: { keys: JWK[] } }).jwks.keys[0]!;
    const [h, ...rest] = (await encryptTo(ours, { state: payload.state, vp_token: {} })).split('.');
    // The header is rewritten after encryption: kparty must refuse it before (or by) decryption, never accept it.
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(h!, 'base64url').toString()), ...header })).toString('base64url');
    const reply = await postResponse(id, { response: [tampered, ...rest].join('.') });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('oid4vp.response_invalid');
  });

  it.each(['', 'not-a-jwe', 'a.b.c.d.e', '....', `${'x'.repeat(100)}.${'y'.repeat(100)}.z.w.v`])('garbage as response (%j) is refused', async (garbage) => {
    const { id } = await create();
    const reply = await postResponse(id, { response: garbage });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('oid4vp.response_invalid');
  });

  it("a JWE to this request's key whose payload is not a JSON object, or carries a foreign state, is refused", async () => {
    const { id } = await create();
    const payload = await requestObject(id);
    const ours = (payload.client_metadata as { jwks: { keys: JWK[] } }).jwks.keys[0]!;
    for (const plaintext of ['a string', [1, 2], { state: 'foreign', vp_token: {} }]) {
      const reply = await postResponse(id, { response: await encryptTo(ours, plaintext) });
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('oid4vp.response_invalid');
    }
  });

  it.each([
    ['not JSON', '{employee'],
    ['a JSON array (the pre-1.0 form)', '["eyJ..."]'],
    ['an unknown query id', JSON.stringify({ other: ['x'] })],
    ['an empty array', JSON.stringify({ employee: [] })],
    ['a number as presentation', JSON.stringify({ employee: [7] })],
    ['too many presentations', JSON.stringify({ employee: Array.from({ length: 21 }, () => 'x') })],
  ])('a vp_token that is %s ends the request rejected with presentation.malformed', async (_name, vpToken) => {
    const { id } = await create({ responseMode: 'direct_post' });
    const payload = await requestObject(id);
    const reply = await postResponse(id, { vp_token: vpToken, state: payload.state as string });
    expect(reply.status).toBe(200);
    const outcome = await status(id);
    expect(outcome.status).toBe('rejected');
    expect(outcome.errors).toEqual([expect.objectContaining({ code: 'presentation.malformed' })]);
  });

  it('a response body over KPARTY_OID4VP_MAX_RESPONSE_BYTES is refused with 413 request.too_large', async () => {
    const { id } = await create({ responseMode: 'direct_post' });
    const reply = await postResponse(id, { vp_token: 'x'.repeat(300_000), state: 's' });
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe('request.too_large');
  });

  it("a wallet error response ends the request rejected with the wallet's error", async () => {
    const { id } = await create({ responseMode: 'direct_post' });
    const payload = await requestObject(id);
    const reply = await postResponse(id, { error: 'access_denied', error_description: 'the user declined', state: payload.state as string });
    expect(reply.status).toBe(200);
    const outcome = await status(id);
    expect(outcome.status).toBe('rejected');
    expect(outcome.walletError).toEqual({ error: 'access_denied', error_description: 'the user declined' });
    const audit = await kp.request('GET', '/v1/admin/audit', { key: rpKey });
    // The clock is frozen: events of one millisecond have no order among themselves.
    expect(audit.body.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ policy: 'employee', outcome: 'rejected', codes: ['wallet.access_denied'] })]),
    );
  });

  it('a rejection decided before verification (malformed vp_token) is audited too', async () => {
    const { id } = await create({ responseMode: 'direct_post' });
    const payload = await requestObject(id);
    expect((await postResponse(id, { vp_token: '[]', state: payload.state as string })).status).toBe(200);
    const before = ((await kp.request('GET', '/v1/admin/audit?limit=100', { key: rpKey })).body.events as unknown[]).length;
    expect((await postResponse(id, { vp_token: '[]', state: payload.state as string })).status).toBe(410);
    const audit = await kp.request('GET', '/v1/admin/audit?limit=100', { key: rpKey });
    expect(audit.body.events).toHaveLength(before);
    expect(audit.body.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ policy: 'employee', outcome: 'rejected', codes: ['presentation.malformed'] })]),
    );
  });
});

describe('presentations are bound to this request (OIDF verifier test plan)', () => {
  async function rejectedWith(vpFor: (payload: { nonce: string; client_id: string }) => Promise<string>): Promise<string[]> {
    const { id, requestUri } = await create();
    const request = await resolveRequest(requestUri);
    expect((await submitVpToken(request, { employee: [await vpFor(request.payload)] })).status).toBe(200);
    const outcome = await status(id);
    expect(outcome.status).toBe('rejected');
    return (outcome.errors as Array<{ code: string }>).map((e) => e.code);
  }

  it('a wrong nonce is refused (challenge.unknown)', async () => {
    const codes = await rejectedWith(async (p) =>
      presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: 'another-nonce-aaaaaaaaaaaaaaaaaaaa', aud: p.client_id }),
    );
    expect(codes).toContain('challenge.unknown');
  });

  it('a wrong aud is refused (audience.mismatch)', async () => {
    const codes = await rejectedWith(async (p) =>
      presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: p.nonce, aud: 'https://orders.example.com' }),
    );
    expect(codes).toContain('audience.mismatch');
  });

  it('a presentation signed by someone else than the holder is refused', async () => {
    const codes = await rejectedWith(async (p) => presentJwtVp(p256Identity(), [await issueJwtVc(issuer, holder.did)], { nonce: p.nonce, aud: p.client_id }));
    expect(codes).toContain('presentation.holder_mismatch');
  });

  it('an invalid credential signature is refused (credential.signature_invalid)', async () => {
    const codes = await rejectedWith(async (p) => {
      const [h, body, sig] = (await issueJwtVc(issuer, holder.did)).split('.');
      const flipped = `${sig!.slice(0, -2)}${sig!.endsWith('AA') ? 'BB' : 'AA'}`;
      return presentJwtVp(holder, [`${h}.${body}.${flipped}`], { nonce: p.nonce, aud: p.client_id });
    });
    expect(codes).toContain('credential.signature_invalid');
  });

  it('a presentation expired or not yet valid is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const past = await rejectedWith(async (p) =>
      presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: p.nonce, aud: p.client_id, exp: now - 3600 }),
    );
    expect(past).toContain('presentation.expired');
    const future = await rejectedWith(async (p) =>
      presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: p.nonce, aud: p.client_id, nbf: now + 3600 }),
    );
    expect(future).toContain('presentation.not_yet_valid');
  });

  it('the nonce is not a challenge elsewhere: presenting it to POST /v1/presentations/verify before the wallet answers fails', async () => {
    const { requestUri } = await create();
    const request = await resolveRequest(requestUri);
    const reply = await kp.request('POST', '/v1/presentations/verify', { body: { policy: 'employee', presentation: await validVp(request.payload) } });
    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'challenge.unknown' })]));
  });
});

describe('request lifecycle for the relying party', () => {
  it('another relying party reading or cancelling the request gets 404, as for an unknown id', async () => {
    const { id } = await create();
    for (const method of ['GET', 'DELETE']) {
      const reply = await kp.request(method, `/v1/oid4vp/requests/${id}`, { key: otherRpKey });
      expect(reply.status).toBe(404);
      expect(reply.body.code).toBe('oid4vp.request_not_found');
    }
    expect((await kp.request('GET', `/v1/oid4vp/requests/${id}`)).status).toBe(401);
  });

  it('a cancelled request can be neither fetched nor answered', async () => {
    const { id, requestUri } = await create({ responseMode: 'direct_post' });
    const request = await resolveRequest(requestUri);
    expect((await kp.request('DELETE', `/v1/oid4vp/requests/${id}`, { key: rpKey })).status).toBe(204);
    expect((await kp.request('DELETE', `/v1/oid4vp/requests/${id}`, { key: rpKey })).status).toBe(204);
    expect((await status(id)).status).toBe('cancelled');
    expect((await kp.request('GET', `/v1/oid4vp/request-objects/${id}`)).status).toBe(410);
    const answer = await postResponse(id, { vp_token: JSON.stringify({ employee: [await validVp(request.payload)] }), state: request.payload.state! });
    expect(answer.status).toBe(410);
    expect(answer.body.code).toBe('oid4vp.request_closed');
  });

  it('after KPARTY_OID4VP_REQUEST_TTL the request is expired: no fetch, no response; purged after the result TTL', async () => {
    const { id, requestUri } = await create({ responseMode: 'direct_post' });
    const request = await resolveRequest(requestUri);
    const vp = await validVp(request.payload);
    clock.advance(300_000);
    try {
      expect((await status(id)).status).toBe('expired');
      expect((await kp.request('GET', `/v1/oid4vp/request-objects/${id}`)).status).toBe(410);
      const answer = await postResponse(id, { vp_token: JSON.stringify({ employee: [vp] }), state: request.payload.state! });
      expect(answer.status).toBe(410);
      expect(answer.body.code).toBe('oid4vp.request_closed');
      clock.advance(300_000);
      expect(await kp.kparty.oid4vp.purgeExpired()).toBeGreaterThanOrEqual(1);
      expect((await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey })).status).toBe(404);
    } finally {
      clock.set(Date.now());
    }
  });

  it('an unread result is deleted KPARTY_OID4VP_RESULT_TTL after the decision', async () => {
    const { id, requestUri } = await create({ responseMode: 'direct_post' });
    const request = await resolveRequest(requestUri);
    await submitVpToken(request, { employee: [await validVp(request.payload)] });
    clock.advance(300_001);
    try {
      await kp.kparty.oid4vp.purgeExpired();
      expect((await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey })).status).toBe(404);
    } finally {
      clock.set(Date.now());
    }
  });

  it.each([
    ['no policy', {}],
    ['an unknown member', { policy: 'employee', extra: 1 }],
    ['an unknown flow', { policy: 'employee', flow: 'telepathy' }],
    ['an unknown response mode', { policy: 'employee', responseMode: 'fragment' }],
    ['same_device without redirectUri', { policy: 'employee', flow: 'same_device' }],
    ['a redirectUri that is not a URL', { policy: 'employee', flow: 'same_device', redirectUri: 'not a url at all' }],
    ['a javascript: redirectUri', { policy: 'employee', flow: 'same_device', redirectUri: 'javascript:alert(1)' }],
    ['a redirectUri with a fragment', { policy: 'employee', flow: 'same_device', redirectUri: 'https://rp.example/#x' }],
    ['a malformed dpopJkt', { policy: 'employee', dpopJkt: 'short' }],
    ['an oversized redirectUri', { policy: 'employee', flow: 'same_device', redirectUri: `https://rp.example/${'a'.repeat(3000)}` }],
  ])('creating with %s answers 400 request.invalid', async (_name, body) => {
    const reply = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('request.invalid');
  });

  it("another relying party's policy is not found (404 policy.not_found)", async () => {
    const reply = await kp.request('POST', '/v1/oid4vp/requests', { key: otherRpKey, body: { policy: 'employee' } });
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('policy.not_found');
  });

  it('a policy with a vc+jwt query is refused over OpenID4VP (422 oid4vp.policy_unsupported naming the query)', async () => {
    const base = trustingPolicy('v2-policy', issuer.did);
    const credential = (base.credentials as Array<Record<string, unknown>>)[0]!;
    const policy = { ...base, credentials: [credential, { ...credential, id: 'badge', format: 'vc+jwt' }] };
    expect((await kp.request('PUT', '/v1/admin/policies/v2-policy', { key: rpKey, body: policy })).status).toBe(201);
    const reply = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'v2-policy' } });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('oid4vp.policy_unsupported');
    expect(reply.body.detail).toContain('"badge"');
    expect(reply.body.detail).not.toContain('"employee"');
  });

  it('a callbackUrl whose origin the relying party did not register is refused', async () => {
    const reply = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee', callbackUrl: 'https://evil.example/hook' } });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('oid4vp.callback_origin_not_registered');
  });
});

describe("kparty's did:web", () => {
  it('/.well-known/did.json publishes the request-signing key; the operator rotates it and wallets still verify both', async () => {
    const before = (await kp.request('GET', '/.well-known/did.json')).body as { id: string; verificationMethod: Array<{ id: string }> };
    expect(before.id).toMatch(/^did:web:localhost%3A\d+$/);
    expect((await kp.request('POST', '/v1/admin/oid4vp/keys/rotate', { key: rpKey })).status).toBe(403);
    const rotated = await kp.request('POST', '/v1/admin/oid4vp/keys/rotate', { key: 'test-operator-key-0123456789abcdef0123456789' });
    expect(rotated.status).toBe(200);
    const after = (await kp.request('GET', '/.well-known/did.json')).body as { verificationMethod: Array<{ id: string }> };
    expect(after.verificationMethod.map((m) => m.id)).toEqual([rotated.body.kid, before.verificationMethod[0]!.id]);
    const { id, requestUri } = await create({ responseMode: 'direct_post' });
    const request = await resolveRequest(requestUri);
    expect(decodeProtectedHeader((await kp.request('GET', `/v1/oid4vp/request-objects/${id}`)).text).kid).toBe(rotated.body.kid);
    expect(request.payload.client_id).toBe(`decentralized_identifier:${before.id}`);
  });
});
