/**
 * Issue 11 finding 1 (audience squatting) through the HTTP API: an audience
 * belongs to one relying party, registered by the operator; policies may use
 * only their owner's audiences; forward-auth and the guard can pin the client.
 *
 * Regression: on the commit before, relying party "squatter" could PUT a
 * policy with the audience of "orders" (201) and its session token passed
 * `/v1/auth/check?audience=…` for that API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity } from '../support/identities.js';
import { IN_PROCESS_ADMIN_KEY, startInProcess, type InProcessKparty, type InjectReply } from '../support/in-process-app.js';

const ORDERS = 'https://orders.example.com';
const SQUAT = 'https://squatter.example.com';
const issuer = ed25519Identity();
const holder = ed25519Identity();

function policy(id: string, audience: string): Record<string, unknown> {
  return {
    id,
    audience,
    credentials: [{ id: 'employee', format: 'jwt_vc_json', meta: { type_values: [['EmployeeCredential']] }, trustedIssuers: ['*'], status: 'ignore' }],
    holderBinding: 'required',
    session: { scope: 'orders:admin' },
  };
}

let kp: InProcessKparty;
let ordersKey: string;
let squatterKey: string;

const expectCode = (reply: InjectReply, status: number, code: string): void => {
  expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
};

async function sessionFor(policyId: string, audience: string): Promise<string> {
  const challenge = await kp.request('POST', '/v1/challenges', { body: { policy: policyId } });
  const vc = await issueJwtVc(issuer, holder.did);
  const vp = await presentJwtVp(holder, [vc], { nonce: challenge.body.challenge, aud: audience });
  const verified = await kp.request('POST', '/v1/presentations/verify', { body: { policy: policyId, presentation: vp } });
  expect(verified.status).toBe(200);
  return verified.body.session.token as string;
}

beforeAll(async () => {
  kp = await startInProcess();
  const orders = await kp.request('POST', '/v1/admin/relying-parties', {
    key: IN_PROCESS_ADMIN_KEY,
    body: { id: 'orders', name: 'Orders', audiences: [ORDERS] },
  });
  expect(orders.status).toBe(201);
  ordersKey = orders.body.apiKey;
  const squatter = await kp.request('POST', '/v1/admin/relying-parties', {
    key: IN_PROCESS_ADMIN_KEY,
    body: { id: 'squatter', name: 'Squatter', audiences: [SQUAT] },
  });
  squatterKey = squatter.body.apiKey;
  expect((await kp.request('PUT', '/v1/admin/policies/orders-admin', { key: ordersKey, body: policy('orders-admin', ORDERS) })).status).toBe(201);
  expect((await kp.request('PUT', '/v1/admin/policies/squat-own', { key: squatterKey, body: policy('squat-own', SQUAT) })).status).toBe(201);
});

afterAll(async () => {
  await kp.close();
});

describe("policies may use only their owner's audiences", () => {
  it("refuses a relying party's policy naming another relying party's audience: 403 policy.audience_not_owned, naming it", async () => {
    const reply = await kp.request('PUT', '/v1/admin/policies/squat', { key: squatterKey, body: policy('squat', ORDERS) });
    expectCode(reply, 403, 'policy.audience_not_owned');
    expect(reply.body.detail).toContain(ORDERS);
    expectCode(await kp.request('GET', '/v1/admin/policies/squat', { key: IN_PROCESS_ADMIN_KEY }), 404, 'policy.not_found');
  });

  it('refuses an audience nobody registered for a relying party, and replacing an own policy with a foreign audience', async () => {
    expectCode(
      await kp.request('PUT', '/v1/admin/policies/free', { key: squatterKey, body: policy('free', 'https://free.example.com') }),
      403,
      'policy.audience_not_owned',
    );
    expectCode(
      await kp.request('PUT', '/v1/admin/policies/squat-own', { key: squatterKey, body: policy('squat-own', ORDERS) }),
      403,
      'policy.audience_not_owned',
    );
  });

  it('lets the operator use any audience no relying party holds, but not a held one', async () => {
    expect((await kp.request('PUT', '/v1/admin/policies/ops', { key: IN_PROCESS_ADMIN_KEY, body: policy('ops', 'https://ops.example.com') })).status).toBe(201);
    expectCode(
      await kp.request('PUT', '/v1/admin/policies/ops-orders', { key: IN_PROCESS_ADMIN_KEY, body: policy('ops-orders', ORDERS) }),
      403,
      'policy.audience_not_owned',
    );
  });

  it('POST /v1/token by audience is not broken for the rightful owner (one policy holds the audience)', async () => {
    const reply = await kp.request('POST', '/v1/token', {
      raw: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        audience: ORDERS,
        subject_token: 'x',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(reply.body?.error).not.toBe('invalid_target');
  });
});

describe('registering audiences', () => {
  it('refuses an audience another relying party holds: 409 relying_party.audience_taken, creating nothing', async () => {
    const reply = await kp.request('POST', '/v1/admin/relying-parties', {
      key: IN_PROCESS_ADMIN_KEY,
      body: { id: 'late', name: 'Late', audiences: ['https://late.example.com', ORDERS] },
    });
    expectCode(reply, 409, 'relying_party.audience_taken');
    expect(reply.body.detail).toContain('"orders"');
    const list = await kp.request('GET', '/v1/admin/relying-parties', { key: IN_PROCESS_ADMIN_KEY });
    expect(list.body.relyingParties.map((rp: { id: string }) => rp.id)).toEqual(['orders', 'squatter']);
  });

  it('refuses an audience an operator policy uses', async () => {
    expectCode(
      await kp.request('POST', '/v1/admin/relying-parties', {
        key: IN_PROCESS_ADMIN_KEY,
        body: { id: 'opsy', name: 'Opsy', audiences: ['https://ops.example.com'] },
      }),
      409,
      'relying_party.audience_taken',
    );
  });

  it("PATCH cannot move another party's audience, nor drop one a policy still uses", async () => {
    expectCode(
      await kp.request('PATCH', '/v1/admin/relying-parties/squatter', { key: IN_PROCESS_ADMIN_KEY, body: { audiences: [SQUAT, ORDERS] } }),
      409,
      'relying_party.audience_taken',
    );
    expectCode(
      await kp.request('PATCH', '/v1/admin/relying-parties/squatter', { key: IN_PROCESS_ADMIN_KEY, body: { audiences: ['https://new.example.com'] } }),
      409,
      'relying_party.audience_in_use',
    );
    expectCode(
      await kp.request('PATCH', '/v1/admin/relying-parties/nobody', { key: IN_PROCESS_ADMIN_KEY, body: { name: 'x' } }),
      404,
      'relying_party.not_found',
    );
  });

  it('PATCH and list are operator only', async () => {
    expectCode(
      await kp.request('PATCH', '/v1/admin/relying-parties/squatter', { key: squatterKey, body: { audiences: [SQUAT, ORDERS] } }),
      403,
      'auth.forbidden',
    );
    expectCode(await kp.request('GET', '/v1/admin/relying-parties', { key: squatterKey }), 403, 'auth.forbidden');
  });

  it('PATCH changes name, logo, callback origins and adds audiences; GET shows them, never a key hash', async () => {
    const reply = await kp.request('PATCH', '/v1/admin/relying-parties/squatter', {
      key: IN_PROCESS_ADMIN_KEY,
      body: {
        name: 'Renamed',
        audiences: [SQUAT, 'https://more.example.com'],
        callbackOrigins: ['https://cb.example.com', 'http://localhost:3000'],
        logoUri: 'https://squatter.example.com/logo.svg',
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      id: 'squatter',
      name: 'Renamed',
      audiences: ['https://more.example.com', SQUAT],
      callbackOrigins: ['http://localhost:3000', 'https://cb.example.com'],
      logoUri: 'https://squatter.example.com/logo.svg',
      createdAt: expect.any(String),
    });
    const shown = await kp.request('GET', '/v1/admin/relying-parties/squatter', { key: IN_PROCESS_ADMIN_KEY });
    expect(shown.body).toEqual(reply.body);
    expect(shown.text).not.toMatch(/apiKeyHash|api_key_hash/);
  });

  it('refuses callback origins and logos that are not https origins/URLs', async () => {
    for (const body of [
      { callbackOrigins: ['https://cb.example.com/path'] },
      { callbackOrigins: ['http://cb.example.com'] },
      { callbackOrigins: ['javascript://x'] },
      { callbackOrigins: ['https://user@cb.example.com'] },
      { logoUri: 'http://cdn.example.com/logo.png' },
      { logoUri: 'data:image/png;base64,AAAA' },
    ]) {
      expectCode(await kp.request('PATCH', '/v1/admin/relying-parties/squatter', { key: IN_PROCESS_ADMIN_KEY, body }), 400, 'request.invalid');
    }
  });

  it('rotateApiKey answers a new key once; the old key stops working at once', async () => {
    const created = await kp.request('POST', '/v1/admin/relying-parties', {
      key: IN_PROCESS_ADMIN_KEY,
      body: { id: 'rotating', name: 'Rotating', audiences: ['https://rotating.example.com'] },
    });
    const oldKey = created.body.apiKey as string;
    expect((await kp.request('GET', '/v1/admin/policies', { key: oldKey })).status).toBe(200);
    const rotated = await kp.request('PATCH', '/v1/admin/relying-parties/rotating', { key: IN_PROCESS_ADMIN_KEY, body: { rotateApiKey: true } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.apiKey).toMatch(/^kpk_/);
    expect(rotated.body.apiKey).not.toBe(oldKey);
    expectCode(await kp.request('GET', '/v1/admin/policies', { key: oldKey }), 401, 'auth.unauthorized');
    expect((await kp.request('GET', '/v1/admin/policies', { key: rotated.body.apiKey })).status).toBe(200);
    expect((await kp.request('GET', '/v1/admin/relying-parties/rotating', { key: IN_PROCESS_ADMIN_KEY })).body.apiKey).toBeUndefined();
    expectCode(
      await kp.request('PATCH', '/v1/admin/relying-parties/rotating', { key: IN_PROCESS_ADMIN_KEY, body: { rotateApiKey: false } }),
      400,
      'request.invalid',
    );
  });
});

describe('forward-auth pins audience and client', () => {
  it("passes the owner's token with audience + client_id, refuses another client's token for its own audience", async () => {
    const ordersToken = await sessionFor('orders-admin', ORDERS);
    const squatToken = await sessionFor('squat-own', SQUAT);
    const check = (token: string, query: string) => kp.request('GET', `/v1/auth/check?${query}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await check(ordersToken, `audience=${encodeURIComponent(ORDERS)}&client_id=orders`)).status).toBe(200);
    expectCode(await check(squatToken, `audience=${encodeURIComponent(ORDERS)}`), 401, 'session.invalid');
    expectCode(await check(squatToken, 'client_id=orders'), 401, 'session.invalid');
    expectCode(await check(ordersToken, 'client_id=Not%20An%20Id'), 400, 'request.invalid');
    const envoy = await kp.request('POST', '/v1/auth/check/envoy/x', {
      headers: { authorization: `Bearer ${squatToken}`, 'x-kparty-required-client': 'orders' },
    });
    expectCode(envoy, 401, 'session.invalid');
    const envoyOk = await kp.request('GET', '/v1/auth/check/envoy/x', {
      headers: { authorization: `Bearer ${ordersToken}`, 'x-kparty-required-client': 'orders', 'x-kparty-required-audience': ORDERS },
    });
    expect(envoyOk.status).toBe(200);
  });
});
