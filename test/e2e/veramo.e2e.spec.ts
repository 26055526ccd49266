/**
 * Presentations made by a Veramo 7 agent (keys in its KMS, did:key from
 * @veramo/did-provider-key, credentials and presentations through
 * @veramo/credential-w3c) verify through kparty's HTTP API (issue 16 item 9).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createVeramoAgent, type VeramoAgent } from '../support/veramo.js';
import { startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { employeePolicy } from './policies.js';
import { expectProblem } from './problem.js';

let kparty: RunningKparty;
let agent: VeramoAgent;
let issuer: string;
let holder: string;

beforeAll(async () => {
  kparty = await startKparty();
  agent = createVeramoAgent();
  issuer = (await agent.didManagerCreate({ provider: 'did:key' })).did;
  holder = (await agent.didManagerCreate({ provider: 'did:key' })).did;
  const policy = employeePolicy('veramo-portal');
  const query = { ...(policy.credentials as Array<Record<string, unknown>>)[0], trustedIssuers: [issuer], status: 'ignore', maxAgeSeconds: 3600 };
  const put = await kparty.request('PUT', '/v1/admin/policies/veramo-portal', { key: TEST_ADMIN_KEY, body: { ...policy, credentials: [query] } });
  expect(put.status).toBe(201);
});
afterAll(() => kparty?.stop());

async function veramoPresentation(domain?: string): Promise<string> {
  const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy: 'veramo-portal' } });
  expect(challenge.status).toBe(201);
  const credential = await agent.createVerifiableCredential({
    credential: {
      issuer: { id: issuer },
      type: ['VerifiableCredential', 'EmployeeCredential'],
      credentialSubject: { id: holder, role: 'staff', email: 'alice@example.com' },
    },
    proofFormat: 'jwt',
  });
  const presentation = await agent.createVerifiablePresentation({
    presentation: { holder, verifiableCredential: [credential] },
    proofFormat: 'jwt',
    challenge: challenge.body.challenge,
    domain: domain ?? challenge.body.domain,
  });
  return presentation.proof.jwt as string;
}

describe('a Veramo agent as issuer and wallet', () => {
  it('its presentation verifies through POST /v1/presentations/verify', async () => {
    const reply = await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'veramo-portal', presentation: await veramoPresentation() } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      verified: true,
      holder,
      credentials: [
        {
          format: 'jwt_vc_json',
          issuer,
          type: ['VerifiableCredential', 'EmployeeCredential'],
          subject: holder,
          claims: { credentialSubject: { email: 'alice@example.com' } },
        },
      ],
      session: { tokenType: 'Bearer', scope: 'orders:read orders:write' },
    });
  });

  it('its presentation is exchanged for a session token (RFC 8693)', async () => {
    const reply = await kparty.request('POST', '/v1/token', {
      body: {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: await veramoPresentation(),
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        policy: 'veramo-portal',
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.access_token).toEqual(expect.any(String));
  });

  it('a presentation for another audience is rejected (audience.mismatch)', async () => {
    const reply = await kparty.request('POST', '/v1/presentations/verify', {
      body: { policy: 'veramo-portal', presentation: await veramoPresentation('https://elsewhere.example.com') },
    });
    expectProblem(reply, 422, 'presentation.rejected');
    expect(reply.body.errors.map((e: { code: string }) => e.code)).toContain('audience.mismatch');
  });
});
