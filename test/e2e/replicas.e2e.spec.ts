import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, type TestIdentity } from '../support/identities.js';
import { TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { expectProblem } from './problem.js';
import { createRelyingParty, startReplicaSet, type ReplicaSet } from './scale-out.js';

const AUDIENCE = 'https://orders.example.com';

function employeePolicy(id: string, trustedIssuers: string[]): Record<string, unknown> {
  return {
    id,
    audience: AUDIENCE,
    credentials: [
      {
        id: 'employee',
        format: 'jwt_vc_json',
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'role'], values: ['admin', 'staff'] }],
        trustedIssuers,
        maxAgeSeconds: 31_536_000,
        status: 'required',
      },
    ],
    holderBinding: 'required',
    session: { ttlSeconds: 120, scope: 'orders:read' },
  };
}

const codesOf = (reply: Reply): string[] => (reply.body?.errors ?? []).map((entry: { code: string }) => entry.code);

/*
 * Two kparty processes on one PostgreSQL schema and one Redis prefix (issue 7):
 * whatever one process writes, the other acts on at once.
 */
describe('two kparty processes on PostgreSQL + Redis', () => {
  let set: ReplicaSet;
  let a: RunningKparty;
  let b: RunningKparty;
  let rpKey: string;
  const issuer = ed25519Identity();
  const otherIssuer = ed25519Identity();
  const holder = ed25519Identity();

  const putPolicy = async (through: RunningKparty, body: Record<string, unknown>): Promise<Reply> =>
    through.request('PUT', `/v1/admin/policies/${body.id}`, { key: rpKey, body });

  /** A VP-JWT answering a fresh challenge fetched from `through`. */
  const presentation = async (through: RunningKparty, policy: string, by: TestIdentity = issuer): Promise<string> => {
    const reply = await through.request('POST', '/v1/challenges', { body: { policy } });
    expect(reply.status).toBe(201);
    return presentJwtVp(holder, [await issueJwtVc(by, holder.did)], { nonce: reply.body.challenge, aud: reply.body.domain });
  };
  const verify = (through: RunningKparty, policy: string, vp: string): Promise<Reply> =>
    through.request('POST', '/v1/presentations/verify', { body: { policy, presentation: vp } });

  beforeAll(async () => {
    set = await startReplicaSet(2);
    [a, b] = set.replicas as [RunningKparty, RunningKparty];
    rpKey = await createRelyingParty(a, TEST_ADMIN_KEY, 'orders');
    // Created on one, used on the other at once: the relying party and its key live in PostgreSQL.
    expect((await putPolicy(b, employeePolicy('portal', [issuer.did]))).status).toBe(201);
  });

  afterAll(async () => {
    await set?.stop();
  });

  it('both are ready, share one signing key (they raced to create it) and publish the same JWKS', async () => {
    const [jwksA, jwksB] = await Promise.all([a.request('GET', '/.well-known/jwks.json'), b.request('GET', '/.well-known/jwks.json')]);
    expect(jwksA.status).toBe(200);
    expect(jwksA.body.keys.length).toBeGreaterThan(0);
    expect(jwksB.body).toStrictEqual(jwksA.body);
  });

  it('a challenge made on one is consumed exactly once across both under a concurrent race (5 rounds of 20)', async () => {
    for (let round = 0; round < 5; round += 1) {
      const vp = await presentation(round % 2 === 0 ? a : b, 'portal');
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => verify(i % 2 === 0 ? a : b, 'portal', vp)));
      const accepted = replies.filter((reply) => reply.status === 200);
      expect(accepted).toHaveLength(1);
      expect(accepted[0]!.body).toMatchObject({ verified: true, holder: holder.did, session: { token: expect.any(String) } });
      for (const reply of replies.filter((r) => r.status !== 200)) {
        expectProblem(reply, 422, 'presentation.rejected');
        expect(codesOf(reply)).toStrictEqual(['challenge.unknown']);
      }
    }
  });

  it('a token revoked on one is refused on the other', async () => {
    const verified = await verify(a, 'portal', await presentation(a, 'portal'));
    expect(verified.status).toBe(200);
    const token: string = verified.body.session.token;
    const check = (through: RunningKparty): Promise<Reply> => through.request('GET', '/v1/auth/check', { headers: { authorization: `Bearer ${token}` } });

    expect((await check(b)).status).toBe(200);
    expect((await b.request('POST', '/v1/sessions/introspect', { key: rpKey, body: { token } })).body).toMatchObject({ active: true });

    expect((await a.request('POST', '/v1/sessions/revoke', { key: rpKey, body: { token } })).status).toBe(200);

    const refused = await check(b);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'session.invalid' });
    expect((await b.request('POST', '/v1/sessions/introspect', { key: rpKey, body: { token } })).body).toStrictEqual({ active: false });
    expect((await check(a)).status).toBe(401);
  });

  it('a policy changed on one applies on the other at once', async () => {
    expect((await putPolicy(a, employeePolicy('switching', [issuer.did]))).status).toBe(201);
    expect((await verify(b, 'switching', await presentation(b, 'switching'))).status).toBe(200);

    // Changed on b: from now on only otherIssuer is trusted — on a too, with no delay.
    expect((await putPolicy(b, employeePolicy('switching', [otherIssuer.did]))).status).toBe(200);
    const refused = await verify(a, 'switching', await presentation(a, 'switching', issuer));
    expectProblem(refused, 422, 'presentation.rejected');
    expect(codesOf(refused)).toContain('credential.issuer_untrusted');
    expect((await verify(a, 'switching', await presentation(a, 'switching', otherIssuer))).status).toBe(200);

    // A challenge made on a before the policy's deletion on b is of no use on either afterwards.
    const pending = await presentation(a, 'switching', otherIssuer);
    expect((await b.request('DELETE', '/v1/admin/policies/switching', { key: rpKey })).status).toBe(204);
    expectProblem(await a.request('POST', '/v1/challenges', { body: { policy: 'switching' } }), 404, 'policy.not_found');
    expectProblem(await verify(a, 'switching', pending), 404, 'policy.not_found');
  });

  it('the audit log of both processes is one: decisions made on either are listed by both', async () => {
    const [fromA, fromB] = await Promise.all([
      a.request('GET', '/v1/admin/audit?limit=200', { key: rpKey }),
      b.request('GET', '/v1/admin/audit?limit=200', { key: rpKey }),
    ]);
    expect(fromA.status).toBe(200);
    expect(fromB.body).toStrictEqual(fromA.body);
    // 5 race rounds of 20, 1 revocation round, 4 decisions on the changing policy.
    expect(fromA.body.events.length).toBeGreaterThanOrEqual(100 + 1 + 3);
  });
});
