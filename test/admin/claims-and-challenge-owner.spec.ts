/**
 * Issue 11 finding 10 (first two parts), through the HTTP API:
 * - one list of claim names kparty sets itself, used by policy validation and issuance;
 * - a challenge remembers its policy's owner and is refused when the policy
 *   was deleted and re-created by someone else.
 *
 * Regression: on the commit before, `auth_time`, `acr`, `amr`, `active`,
 * `token_type`, `username`, `azp` and `may_act` passed policy validation (201),
 * and the re-created policy accepted the old challenge.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity } from '../support/identities.js';
import { IN_PROCESS_ADMIN_KEY, startInProcess, type InProcessKparty } from '../support/in-process-app.js';

const AUDIENCE = 'https://claims.example.com';
const issuer = ed25519Identity();
const holder = ed25519Identity();

function policy(id: string, claims: Record<string, unknown> = { role: ['employee', 'credentialSubject', 'role'] }): Record<string, unknown> {
  return {
    id,
    audience: AUDIENCE,
    credentials: [{ id: 'employee', format: 'jwt_vc_json', meta: { type_values: [['EmployeeCredential']] }, trustedIssuers: [issuer.did], status: 'ignore' }],
    holderBinding: 'required',
    session: { scope: 'x', claims },
  };
}

let kp: InProcessKparty;
beforeAll(async () => {
  kp = await startInProcess();
});
afterAll(async () => {
  await kp.close();
});

describe('claim names kparty sets itself', () => {
  it.each(['auth_time', 'acr', 'amr', 'active', 'token_type', 'username', 'azp', 'may_act', 'act', 'cnf', 'client_id', 'sub', 'policy'])(
    'a policy mapping a credential value onto "%s" is refused with 400 policy.invalid',
    async (claim) => {
      const reply = await kp.request('PUT', `/v1/admin/policies/reserved-${claim.replace('_', '-')}`, {
        key: IN_PROCESS_ADMIN_KEY,
        body: policy(`reserved-${claim.replace('_', '-')}`, { [claim]: ['employee', 'credentialSubject', 'role'] }),
      });
      expect({ status: reply.status, code: reply.body?.code }).toEqual({ status: 400, code: 'policy.invalid' });
      expect(reply.body.errors.map((e: { path: string }) => e.path)).toContain(`/session/claims/${claim}`);
    },
  );
});

describe("a challenge remembers its policy's owner", () => {
  it('refuses a challenge of a policy deleted by the operator and re-created by a relying party under the same id', async () => {
    expect((await kp.request('PUT', '/v1/admin/policies/portal', { key: IN_PROCESS_ADMIN_KEY, body: policy('portal') })).status).toBe(201);
    const challenge = (await kp.request('POST', '/v1/challenges', { body: { policy: 'portal' } })).body.challenge as string;
    expect((await kp.request('DELETE', '/v1/admin/policies/portal', { key: IN_PROCESS_ADMIN_KEY })).status).toBe(204);
    const rp = await kp.request('POST', '/v1/admin/relying-parties', {
      key: IN_PROCESS_ADMIN_KEY,
      body: { id: 'newcomer', name: 'Newcomer', audiences: [AUDIENCE] },
    });
    expect(rp.status).toBe(201);
    expect((await kp.request('PUT', '/v1/admin/policies/portal', { key: rp.body.apiKey, body: policy('portal') })).status).toBe(201);

    const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did, { claims: { role: 'staff' } })], { nonce: challenge, aud: AUDIENCE });
    const reply = await kp.request('POST', '/v1/presentations/verify', { body: { policy: 'portal', presentation: vp } });
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status: 422, code: 'presentation.rejected' });
    expect(reply.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'challenge.policy_mismatch' })]));

    // A fresh challenge of the re-created policy works.
    const fresh = (await kp.request('POST', '/v1/challenges', { body: { policy: 'portal' } })).body.challenge as string;
    const ok = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did, { claims: { role: 'staff' } })], { nonce: fresh, aud: AUDIENCE });
    const accepted = await kp.request('POST', '/v1/presentations/verify', { body: { policy: 'portal', presentation: ok } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.session.token).toEqual(expect.any(String));
  });
});
