import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, p256Identity } from '../support/identities.js';
import { employeePolicy } from '../e2e/policies.js';
import { startInProcessKparty, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken } from '../support/oid4vp-wallet.js';

const issuer = ed25519Identity();
const holder = p256Identity();

describe('OpenID4VP 1.0 with Openid4vpClient as the wallet (decentralized_identifier, zero configuration)', () => {
  let kp: InProcessKparty;
  let rpKey: string;

  beforeAll(async () => {
    kp = await startInProcessKparty();
    rpKey = await kp.relyingParty('acme');
    const put = await kp.request('PUT', '/v1/admin/policies/employee', { key: rpKey, body: employeePolicy('employee', { credentials: [{ ...(employeePolicy('x').credentials as object[])[0], trustedIssuers: [issuer.did] }] }) });
    expect(put.status).toBe(201);
  });
  afterAll(async () => kp.close());

  for (const responseMode of ['direct_post', 'direct_post.jwt'] as const) {
    it(`create → request_uri → ${responseMode} → GET result (released once)`, async () => {
      const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee', responseMode } });
      expect(created.status).toBe(201);
      const request = await resolveRequest(created.body.requestUri);
      expect(request.payload.client_id).toMatch(/^decentralized_identifier:did:web:localhost%3A\d+$/);
      expect((await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey })).body.status).toBe('fetched');
      const vc = await issueJwtVc(issuer, holder.did);
      const vp = await presentJwtVp(holder, [vc], { nonce: request.payload.nonce, aud: request.payload.client_id });
      const answer = await submitVpToken(request, { employee: [vp] });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({});
      const outcome = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
      expect(outcome.status).toBe(200);
      expect(outcome.body.status).toBe('verified');
      expect(outcome.body.result.holder).toBe(holder.did);
      expect(outcome.body.result.session.token).toEqual(expect.any(String));
      const again = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
      expect(again.body.status).toBe('verified');
      expect(again.body.result).toBeUndefined();
    });
  }
});
