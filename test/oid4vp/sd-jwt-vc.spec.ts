/**
 * SD-JWT VC over OpenID4VP 1.0: the request's nonce and client_id bind the
 * KB-JWT (audience = the full client_id). Issuer and wallet: @sd-jwt/sd-jwt-vc;
 * the wallet protocol: @openid4vc/openid4vp's Openid4vpClient.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { es256KeyPair, issueSdJwtVc, presentSdJwtVc, type KeyPair } from '../support/sd-jwt.js';
import { startInProcessKparty, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken, type ResolvedRequest } from '../support/oid4vp-wallet.js';

const ISS = 'https://pid-issuer.example.com';
const VCT = 'urn:eudi:pid:1';

describe('dc+sd-jwt over OpenID4VP 1.0', () => {
  let kp: InProcessKparty;
  let rpKey: string;
  let issuer: KeyPair;
  let holder: KeyPair;
  let credential: string;

  beforeAll(async () => {
    issuer = await es256KeyPair();
    holder = await es256KeyPair();
    credential = await issueSdJwtVc({
      issuerKey: issuer,
      payload: { iss: ISS, iat: Math.floor(Date.now() / 1000) - 60, vct: VCT, cnf: { jwk: holder.publicJwk }, given_name: 'Erika', family_name: 'Mustermann' },
      frame: { _sd: ['given_name', 'family_name'] },
    });
    kp = await startInProcessKparty();
    rpKey = await kp.relyingParty('pid', { audiences: ['https://pid.example.com'] });
    const policy = {
      audience: 'https://pid.example.com',
      credentials: [
        {
          id: 'pid',
          format: 'dc+sd-jwt',
          meta: { vct_values: [VCT] },
          claims: [{ path: ['given_name'] }],
          trustedIssuers: [{ id: ISS, jwks: { keys: [issuer.publicJwk] } }],
          status: 'ignore',
        },
      ],
      holderBinding: 'required',
    };
    expect((await kp.request('PUT', '/v1/admin/policies/pid', { key: rpKey, body: policy })).status).toBe(201);
  });
  afterAll(async () => kp.close());

  async function answer(
    present: (request: ResolvedRequest) => Promise<string>,
  ): Promise<{ status: string; codes: string[]; result?: { credentials: Array<{ claims: unknown }> } }> {
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'pid' } });
    const request = await resolveRequest(created.body.requestUri);
    expect((await submitVpToken(request, { pid: [await present(request)] })).status).toBe(200);
    const outcome = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
    return { status: outcome.body.status, codes: (outcome.body.errors ?? []).map((e: { code: string }) => e.code), result: outcome.body.result };
  }

  const kb = (request: ResolvedRequest, overrides: { nonce?: string; aud?: string } = {}): Promise<string> =>
    presentSdJwtVc(credential, {
      holderKey: holder,
      frame: { given_name: true },
      nonce: overrides.nonce ?? (request.payload.nonce as string),
      aud: overrides.aud ?? (request.payload.client_id as string),
      iat: Math.floor(Date.now() / 1000),
    });

  it('verifies a KB-JWT bound to the request nonce and the full client_id', async () => {
    const outcome = await answer((request) => kb(request));
    expect(outcome).toMatchObject({ status: 'verified', result: { credentials: [{ claims: { given_name: 'Erika' } }] } });
  });

  it('refuses a KB-JWT for another nonce or another audience', async () => {
    expect(await answer((request) => kb(request, { nonce: 'another-nonce-0123456789abcdef' }))).toMatchObject({
      status: 'rejected',
      codes: expect.arrayContaining(['challenge.unknown']),
    });
    expect(await answer((request) => kb(request, { aud: 'https://pid.example.com' }))).toMatchObject({
      status: 'rejected',
      codes: expect.arrayContaining(['audience.mismatch']),
    });
  });
});
