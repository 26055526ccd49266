/**
 * The vp_token is ONE submission: several presentations (one per DCQL query,
 * or several for one query) answering the request's nonce and client_id,
 * verified together through the sign-in use case. Wallet: Openid4vpClient.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, p256Identity } from '../support/identities.js';
import { startInProcessKparty, trustingPolicy, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken } from '../support/oid4vp-wallet.js';

const issuer = ed25519Identity();
const holder = p256Identity();

describe('vp_token with several presentations (one submission)', () => {
  let kp: InProcessKparty;
  let rpKey: string;

  beforeAll(async () => {
    kp = await startInProcessKparty();
    rpKey = await kp.relyingParty('acme');
    const base = trustingPolicy('two-credentials', issuer.did);
    const employee = (base.credentials as Array<Record<string, unknown>>)[0]!;
    const badge = {
      id: 'badge',
      format: 'jwt_vc_json',
      meta: { type_values: [['BadgeCredential']] },
      claims: [{ path: ['credentialSubject', 'level'] }],
      trustedIssuers: [issuer.did],
      status: 'ignore',
    };
    expect((await kp.request('PUT', '/v1/admin/policies/two-credentials', { key: rpKey, body: { ...base, credentials: [employee, badge] } })).status).toBe(201);
  });
  afterAll(async () => kp.close());

  async function presentations(nonce: string, clientId: string, badgeNonce = nonce): Promise<{ employee: string; badge: string }> {
    const employeeVc = await issueJwtVc(issuer, holder.did);
    const badgeVc = await issueJwtVc(issuer, holder.did, { types: ['BadgeCredential'], claims: { level: 'gold' } });
    return {
      employee: await presentJwtVp(holder, [employeeVc], { nonce, aud: clientId }),
      badge: await presentJwtVp(holder, [badgeVc], { nonce: badgeNonce, aud: clientId }),
    };
  }

  it('one presentation per DCQL query: both verified, both credentials in the result', async () => {
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'two-credentials' } });
    const request = await resolveRequest(created.body.requestUri);
    const vps = await presentations(request.payload.nonce, request.payload.client_id);
    expect((await submitVpToken(request, { employee: [vps.employee], badge: [vps.badge] })).status).toBe(200);
    const outcome = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
    expect(outcome.body.status).toBe('verified');
    expect(outcome.body.result.credentials.map((c: { type: string[] }) => c.type.at(-1)).sort()).toEqual(['BadgeCredential', 'EmployeeCredential']);
  });

  it('every presentation must answer this request: one with another nonce rejects the whole submission', async () => {
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'two-credentials' } });
    const request = await resolveRequest(created.body.requestUri);
    const vps = await presentations(request.payload.nonce, request.payload.client_id, 'another-nonce-0123456789abcdef');
    expect((await submitVpToken(request, { employee: [vps.employee], badge: [vps.badge] })).status).toBe(200);
    const outcome = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
    expect(outcome.body.status).toBe('rejected');
    expect(outcome.body.result).toBeUndefined();
    expect(outcome.body.errors.length).toBeGreaterThan(0);
  });

  it('a missing query leaves the policy unsatisfied', async () => {
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'two-credentials' } });
    const request = await resolveRequest(created.body.requestUri);
    const vps = await presentations(request.payload.nonce, request.payload.client_id);
    expect((await submitVpToken(request, { employee: [vps.employee] })).status).toBe(200);
    const outcome = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
    expect(outcome.body.status).toBe('rejected');
    expect(outcome.body.errors.map((e: { code: string }) => e.code)).toContain('policy.unsatisfied');
  });
});
