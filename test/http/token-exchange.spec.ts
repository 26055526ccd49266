/**
 * RFC 8693 token exchange against the built service: a did-jwt-vc wallet's
 * VP-JWT as `subject_token`, form-encoded as RFC 8693 §2.1 says (and JSON),
 * errors in the RFC 6749 §5.2 shape.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity } from '../support/identities.js';
import { startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { ORDERS_AUDIENCE, sessionPolicy } from '../e2e/session-tokens.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const VP_TYPE = 'urn:kparty:params:oauth:token-type:vp';
const SHARED_AUDIENCE = 'https://shared.example.com';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let kparty: RunningKparty;
let rpKey: string;
const issuer = ed25519Identity();
const holder = ed25519Identity();

/** A fresh VP-JWT answering a challenge for `policy`. */
async function presentation(policy = 'orders-portal'): Promise<string> {
  const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy } });
  expect(challenge.status).toBe(201);
  const credential = await issueJwtVc(issuer, holder.did, { claims: { role: 'staff', email: 'alice@example.com' } });
  return presentJwtVp(holder, [credential], { nonce: challenge.body.challenge, aud: challenge.body.domain });
}

const exchange = (params: Record<string, string | string[]>): Promise<Reply> => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const item of [value].flat()) body.append(name, item);
  return kparty.request('POST', '/v1/token', { raw: body.toString(), headers: FORM });
};

function expectOAuthError(reply: Reply, error: string, code: string): void {
  expect({ status: reply.status, error: reply.body?.error, code: reply.body?.code }).toEqual({ status: 400, error, code });
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.headers.get('cache-control')).toBe('no-store');
  expect(reply.body.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
}

beforeAll(async () => {
  kparty = await startKparty();
  const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
    key: TEST_ADMIN_KEY,
    body: { id: 'orders', name: 'Orders', audiences: [ORDERS_AUDIENCE, SHARED_AUDIENCE] },
  });
  rpKey = rp.body.apiKey;
  const policies = [
    sessionPolicy('orders-portal', issuer.did, { ttlSeconds: 90, scope: 'orders:read' }),
    { ...sessionPolicy('shared-a', issuer.did, {}), audience: SHARED_AUDIENCE },
    { ...sessionPolicy('shared-b', issuer.did, {}), audience: SHARED_AUDIENCE },
  ];
  for (const policy of policies) expect((await kparty.request('PUT', `/v1/admin/policies/${policy.id}`, { key: rpKey, body: policy })).status).toBe(201);
});

afterAll(async () => {
  await kparty?.stop();
});

describe('POST /v1/token (RFC 8693)', () => {
  it('exchanges a presentation for a session token, selecting the policy by audience', async () => {
    const reply = await exchange({ grant_type: GRANT, subject_token: await presentation(), subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('pragma')).toBe('no-cache');
    expect(reply.body).toEqual({
      access_token: expect.any(String),
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 90,
      scope: 'orders:read',
    });
    const metadata = (await kparty.request('GET', '/.well-known/oauth-authorization-server')).body;
    const { payload } = await jwtVerify(reply.body.access_token, createRemoteJWKSet(new URL(metadata.jwks_uri.replace(metadata.issuer, kparty.baseUrl))), {
      issuer: metadata.issuer,
      audience: ORDERS_AUDIENCE,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(payload).toMatchObject({ sub: holder.did, client_id: 'orders', policy: 'orders-portal', email: 'alice@example.com' });
    const introspected = await kparty.request('POST', '/v1/sessions/introspect', { key: rpKey, body: { token: reply.body.access_token } });
    expect(introspected.body).toMatchObject({ active: true, policy: 'orders-portal' });
  });

  it('selects by policy or resource, takes JSON, and the kparty VP token type; the decision is audited', async () => {
    const byPolicy = await kparty.request('POST', '/v1/token', {
      body: { grant_type: GRANT, subject_token: await presentation('shared-b'), subject_token_type: VP_TYPE, policy: 'shared-b' },
    });
    expect(byPolicy.status).toBe(200);
    const byResource = await exchange({ grant_type: GRANT, subject_token: await presentation(), subject_token_type: VP_TYPE, resource: ORDERS_AUDIENCE });
    expect(byResource.status).toBe(200);
    const audit = await kparty.request('GET', '/v1/admin/audit?limit=2', { key: rpKey });
    expect(audit.body.events.map((e: { policy: string; outcome: string }) => [e.policy, e.outcome])).toEqual([
      ['orders-portal', 'accepted'],
      ['shared-b', 'accepted'],
    ]);
  });

  it('answers a rejected presentation as invalid_grant naming every failed check; a replay is one', async () => {
    const vp = await presentation();
    expect((await exchange({ grant_type: GRANT, subject_token: vp, subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE })).status).toBe(200);
    const replay = await exchange({ grant_type: GRANT, subject_token: vp, subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE });
    expectOAuthError(replay, 'invalid_grant', 'presentation.rejected');
    expect(replay.body.error_description).toBe('the presentation was rejected: challenge.unknown');
    expect(replay.body.errors).toEqual([{ code: 'challenge.unknown', path: 'presentation', detail: expect.any(String) }]);
    const garbage = await exchange({ grant_type: GRANT, subject_token: 'not-a-presentation', subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE });
    expectOAuthError(garbage, 'invalid_grant', 'presentation.rejected');
    expect(garbage.body.errors.map((e: { code: string }) => e.code)).toEqual(['presentation.malformed']);
  });

  it("takes an OpenID4VP vp_token object (JSON text) as one submission with kparty's vp_token type", async () => {
    const VP_TOKEN_TYPE = 'urn:kparty:params:oauth:token-type:vp_token';
    const vp = await presentation();
    const reply = await exchange({
      grant_type: GRANT,
      subject_token: JSON.stringify({ employee: [vp] }),
      subject_token_type: VP_TOKEN_TYPE,
      audience: ORDERS_AUDIENCE,
    });
    expect(reply.status).toBe(200);
    const replay = await exchange({
      grant_type: GRANT,
      subject_token: JSON.stringify({ employee: [vp] }),
      subject_token_type: VP_TOKEN_TYPE,
      audience: ORDERS_AUDIENCE,
    });
    expectOAuthError(replay, 'invalid_grant', 'presentation.rejected');
    expect(replay.body.errors).toEqual([{ code: 'challenge.unknown', path: 'vpToken.employee[0]', detail: expect.any(String) }]);
    for (const token of ['not json', '[]', '{}', JSON.stringify({ employee: [] }), JSON.stringify({ 'no such': [vp] }), JSON.stringify({ employee: vp })]) {
      expectOAuthError(
        await exchange({ grant_type: GRANT, subject_token: token, subject_token_type: VP_TOKEN_TYPE, audience: ORDERS_AUDIENCE }),
        'invalid_request',
        'request.invalid',
      );
    }
  });

  it('answers another grant type as unsupported_grant_type', async () => {
    expectOAuthError(await exchange({ grant_type: 'client_credentials' }), 'unsupported_grant_type', 'oauth.unsupported_grant_type');
  });

  it.each([
    ['an audience no policy has', { audience: 'https://nobody.example.com' }],
    ['an audience two policies share', { audience: SHARED_AUDIENCE }],
    ['two audiences', { audience: [ORDERS_AUDIENCE, SHARED_AUDIENCE] }],
    ['an unknown policy', { policy: 'no-such-policy' }],
  ])('answers %s as invalid_target, consuming no challenge', async (_, target) => {
    const vp = await presentation();
    expectOAuthError(
      await exchange({ grant_type: GRANT, subject_token: vp, subject_token_type: JWT_TYPE, ...target }),
      'invalid_target',
      'oauth.invalid_target',
    );
    expect((await exchange({ grant_type: GRANT, subject_token: vp, subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE })).status).toBe(200);
  });

  it.each([
    ['no grant_type', { subject_token: 'x', subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE }],
    ['grant_type twice', { grant_type: [GRANT, GRANT], subject_token: 'x', subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE }],
    ['no subject_token', { grant_type: GRANT, subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE }],
    [
      'an unknown subject_token_type',
      { grant_type: GRANT, subject_token: 'x', subject_token_type: 'urn:ietf:params:oauth:token-type:saml2', audience: ORDERS_AUDIENCE },
    ],
    ['no policy, audience or resource', { grant_type: GRANT, subject_token: 'x', subject_token_type: JWT_TYPE }],
    [
      'an actor token',
      { grant_type: GRANT, subject_token: 'x', subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE, actor_token: 'y', actor_token_type: JWT_TYPE },
    ],
    ['a malformed policy id', { grant_type: GRANT, subject_token: 'x', subject_token_type: JWT_TYPE, policy: '../etc' }],
  ])('answers %s as invalid_request', async (_, params) => {
    const reply = await exchange(params);
    expectOAuthError(reply, 'invalid_request', 'request.invalid');
    expect(reply.body.errors.length).toBeGreaterThan(0);
  });

  it('refuses other media types (415) and oversized bodies (413) in the OAuth shape', async () => {
    const text = await kparty.request('POST', '/v1/token', { raw: `grant_type=${GRANT}`, headers: { 'content-type': 'text/plain' } });
    expect({ status: text.status, error: text.body.error, code: text.body.code }).toEqual({
      status: 415,
      error: 'invalid_request',
      code: 'request.unsupported_media_type',
    });
    const huge = await exchange({ grant_type: GRANT, subject_token: 'a'.repeat(1_048_600), subject_token_type: JWT_TYPE, audience: ORDERS_AUDIENCE });
    expect({ status: huge.status, error: huge.body.error, code: huge.body.code }).toEqual({ status: 413, error: 'invalid_request', code: 'request.too_large' });
  });
});
