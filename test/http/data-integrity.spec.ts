/**
 * Data Integrity presentations (ldp_vp) and the W3C VC API verifier endpoints
 * through the HTTP API of the real app (in process, test/http/harness.ts):
 * presentations and credentials signed by @digitalbazaar/vc
 * (eddsa-rdfc-2022, ecdsa-rdfc-2019 P-256 and P-384, eddsa-jcs-2022; did:key),
 * the credential type and claims defined by an operator context pinned in
 * KPARTY_JSONLD_CONTEXTS, a loopback canary for remote contexts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextHash } from '../../src/formats/data-integrity/json-ld-contexts.js';
import { serveCanary, type LoopbackServer } from '../net/loopback-server.js';
import { diKey, issueCredential, registerTestContext, signPresentation, type DiKey, type SuiteName } from '../support/data-integrity.js';
import { issueVcJwtV2 } from '../support/credentials.js';
import { ed25519Identity } from '../support/identities.js';
import { startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { expectProblem } from '../e2e/problem.js';

const AUDIENCE = 'https://orders.example.com';
const EMPLOYEE_CONTEXT_URL = 'https://contexts.example.com/employee/v1';
const EMPLOYEE_CONTEXT = {
  '@context': {
    '@protected': true,
    EmployeeCredential: 'https://vocab.example.com/EmployeeCredential',
    role: 'https://vocab.example.com/role',
    email: 'https://schema.org/email',
  },
};

function policy(id: string, format: string, trustedIssuers: string[], extra: Record<string, unknown> = {}) {
  return {
    id,
    audience: AUDIENCE,
    credentials: [
      {
        id: 'employee',
        format,
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'role'], values: ['staff'] }, { path: ['credentialSubject', 'email'] }],
        trustedIssuers,
        status: 'required',
        ...extra,
      },
    ],
    holderBinding: 'required',
    session: { ttlSeconds: 120, scope: 'orders:read' },
  };
}

describe('POST /v1/presentations/verify and /v1/token with Data Integrity presentations (ldp_vp)', () => {
  let kparty: RunningKparty;
  let canary: LoopbackServer;
  let issuer: DiKey;
  let p384Issuer: DiKey;
  let holder: DiKey;
  const joseIssuer = ed25519Identity();

  const employee = (by: DiKey, subject: string, claims: Record<string, unknown> = { role: 'staff', email: 'alice@example.com' }) => ({
    '@context': ['https://www.w3.org/ns/credentials/v2', EMPLOYEE_CONTEXT_URL],
    id: 'urn:uuid:6c1b0f1e-2b7a-4f0e-9a55-0d8f1c2e3a4b',
    type: ['VerifiableCredential', 'EmployeeCredential'],
    issuer: by.did,
    validFrom: new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    credentialSubject: { id: subject, ...claims },
  });
  const now = (): string => new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const challenge = async (policyId = 'ldp-portal'): Promise<{ challenge: string; domain: string }> => {
    const reply = await kparty.request('POST', '/v1/challenges', { body: { policy: policyId } });
    expect(reply.status).toBe(201);
    return reply.body;
  };
  const credentialBy = (by: DiKey, suite: SuiteName, subject = holder.did) => issueCredential(employee(by, subject), by, suite, now());
  const vpFor = async (credentials: unknown[], options: { suite?: SuiteName; domain?: string; policy?: string; by?: DiKey } = {}) => {
    const { challenge: nonce, domain } = await challenge(options.policy);
    return signPresentation(credentials, options.by ?? holder, options.suite ?? 'eddsa-rdfc-2022', {
      challenge: nonce,
      domain: options.domain ?? domain,
      date: now(),
    });
  };
  const verify = (presentation: unknown, policyId = 'ldp-portal'): Promise<Reply> =>
    kparty.request('POST', '/v1/presentations/verify', { body: { policy: policyId, presentation } });
  const codesOf = (reply: Reply): string[] => (reply.body?.errors ?? []).map((e: { code: string }) => e.code).sort();

  beforeAll(async () => {
    issuer = await diKey('P-256');
    p384Issuer = await diKey('P-384');
    holder = await diKey('Ed25519');
    canary = await serveCanary();
    registerTestContext(EMPLOYEE_CONTEXT_URL, EMPLOYEE_CONTEXT);
    const contexts = mkdtempSync(join(tmpdir(), 'kparty-e2e-contexts-'));
    writeFileSync(join(contexts, 'employee.jsonld'), JSON.stringify(EMPLOYEE_CONTEXT));
    writeFileSync(
      join(contexts, 'contexts.json'),
      JSON.stringify({ [EMPLOYEE_CONTEXT_URL]: { file: 'employee.jsonld', sha256: contextHash(EMPLOYEE_CONTEXT) } }),
    );
    kparty = await startKparty({ env: { KPARTY_JSONLD_CONTEXTS: contexts } });
    const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'orders', name: 'Orders', audiences: [AUDIENCE] },
    });
    expect(rp.status).toBe(201);
    const put = async (body: Record<string, unknown>): Promise<void> => {
      const reply = await kparty.request('PUT', `/v1/admin/policies/${body.id}`, { key: rp.body.apiKey, body });
      expect(reply.status).toBe(201);
    };
    await put(policy('ldp-portal', 'ldp_vc', [issuer.did, p384Issuer.did]));
    await put(policy('enveloped-portal', 'vc+jwt', [joseIssuer.did]));
  });
  afterAll(async () => {
    await Promise.all([kparty?.stop(), canary?.close()]);
  });

  it('accepts an eddsa-rdfc-2022 presentation carrying an ecdsa-rdfc-2019 (P-256) credential and issues a session', async () => {
    const reply = await verify(await vpFor([await credentialBy(issuer, 'ecdsa-rdfc-2019')]));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      verified: true,
      holder: holder.did,
      credentials: [
        {
          format: 'ldp_vc',
          issuer: issuer.did,
          type: ['VerifiableCredential', 'EmployeeCredential'],
          subject: holder.did,
          claims: { credentialSubject: { role: 'staff', email: 'alice@example.com' } },
          status: 'none',
        },
      ],
      session: { token: expect.any(String), tokenType: 'Bearer', expiresIn: 120, scope: 'orders:read' },
    });
  });

  it.each<[SuiteName, SuiteName]>([
    ['eddsa-jcs-2022', 'ecdsa-jcs-2019'],
    ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019'],
  ])('accepts a %s presentation with a P-384 %s credential', async (vpSuite, vcSuite) => {
    const reply = await verify(await vpFor([await credentialBy(p384Issuer, vcSuite)], { suite: vpSuite }));
    expect(reply.status).toBe(200);
  });

  it('accepts an ldp_vp carrying an EnvelopedVerifiableCredential (VC-JOSE) under a vc+jwt policy', async () => {
    const jwt = await issueVcJwtV2(joseIssuer, holder.did, { claims: { role: 'staff', email: 'alice@example.com' } });
    const enveloped = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['EnvelopedVerifiableCredential'], id: `data:application/vc+jwt,${jwt}` };
    const reply = await verify(await vpFor([enveloped], { policy: 'enveloped-portal' }), 'enveloped-portal');
    expect(reply.status).toBe(200);
    expect(reply.body.credentials).toMatchObject([{ format: 'vc+jwt', issuer: joseIssuer.did }]);
  });

  it('the challenge is consumed: a replay → challenge.unknown', async () => {
    const vp = await vpFor([await credentialBy(issuer, 'ecdsa-rdfc-2019')]);
    expect((await verify(vp)).status).toBe(200);
    const replay = await verify(vp);
    expectProblem(replay, 422, 'presentation.rejected');
    expect(codesOf(replay)).toEqual(['challenge.unknown']);
  });

  it('a proof for another domain → audience.mismatch', async () => {
    const reply = await verify(await vpFor([await credentialBy(issuer, 'ecdsa-rdfc-2019')], { domain: 'https://evil.example' }));
    expect(codesOf(reply)).toContain('audience.mismatch');
  });

  it('a tampered claim → credential.signature_invalid (and the policy is unsatisfied)', async () => {
    const credential = await credentialBy(issuer, 'ecdsa-rdfc-2019');
    (credential.credentialSubject as Record<string, unknown>).email = 'mallory@example.com';
    const reply = await verify(await vpFor([credential]));
    expect(codesOf(reply)).toContain('credential.signature_invalid');
    expect(reply.status).toBe(422);
  });

  it('a credential about someone else, holder binding required → presentation.holder_mismatch', async () => {
    const other = await diKey('Ed25519');
    const reply = await verify(await vpFor([await credentialBy(issuer, 'ecdsa-rdfc-2019', other.did)]));
    expect(codesOf(reply)).toContain('presentation.holder_mismatch');
  });

  it("a presentation signed by another key than the holder's → presentation.signature_invalid", async () => {
    const stranger = await diKey('Ed25519');
    const vp = await vpFor([await credentialBy(issuer, 'ecdsa-rdfc-2019')], { by: stranger });
    const reply = await verify({ ...vp, holder: holder.did });
    expect(codesOf(reply)).toContain('presentation.signature_invalid');
  });

  it('an unknown cryptosuite is named; a remote context → credential.malformed naming it, zero connections to the canary', async () => {
    const credential = await credentialBy(issuer, 'ecdsa-rdfc-2019');
    (credential.proof as Record<string, unknown>).cryptosuite = 'bbs-2023';
    const unknown = await verify(await vpFor([credential]));
    expect(unknown.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'credential.signature_invalid', detail: expect.stringContaining('"bbs-2023"') })]),
    );
    // jcs suites sign without expanding, so the libraries never try to load the canary's context either.
    const remoteCredential = {
      ...employee(issuer, holder.did),
      '@context': ['https://www.w3.org/ns/credentials/v2', EMPLOYEE_CONTEXT_URL, `${canary.origin}/ctx`],
    };
    const remote = await issueCredential(remoteCredential, issuer, 'ecdsa-jcs-2019', now());
    const reply = await verify(await vpFor([remote], { suite: 'eddsa-jcs-2022' }));
    expect(reply.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'presentation.malformed', detail: expect.stringContaining(`${canary.origin}/ctx`) }),
        expect.objectContaining({ code: 'credential.malformed', detail: expect.stringContaining(`${canary.origin}/ctx`) }),
      ]),
    );
    expect(canary.connections).toBe(0);
  });

  it('a context bomb (deep nesting) is refused before canonicalisation → presentation.malformed', async () => {
    let nested: unknown = 'x';
    for (let i = 0; i < 200; i++) nested = { role: nested };
    const vp = await vpFor([await credentialBy(issuer, 'ecdsa-rdfc-2019')]);
    const reply = await verify({ ...vp, verifiableCredential: [{ ...((vp.verifiableCredential as unknown[])[0] as object), credentialSubject: nested }] });
    expect(reply.status).toBe(422);
    expect(codesOf(reply)).toContain('presentation.malformed');
  });

  it('POST /v1/token exchanges an ldp_vp inside a vp_token for a session', async () => {
    const vp = await vpFor([await credentialBy(issuer, 'ecdsa-rdfc-2019')]);
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: JSON.stringify({ employee: [vp] }),
      subject_token_type: 'urn:kparty:params:oauth:token-type:vp_token',
      policy: 'ldp-portal',
    });
    const reply = await kparty.request('POST', '/v1/token', { raw: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect({ status: reply.status, body: reply.body }).toMatchObject({ status: 200, body: { access_token: expect.any(String), token_type: 'Bearer' } });
  });
});

describe('W3C VC API verifier endpoints (/v1/vc-api)', () => {
  let kparty: RunningKparty;
  let open: RunningKparty;
  let rpKey: string;
  let issuer: DiKey;
  let holder: DiKey;
  const now = (): string => new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const credential = (by: DiKey, subject: string) =>
    issueCredential(
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential'],
        issuer: by.did,
        validFrom: now(),
        credentialSubject: { id: subject },
      },
      by,
      'eddsa-rdfc-2022',
      now(),
    );
  /** `key`: null sends no Authorization header. */
  const post = (path: string, body: unknown, key: string | null = rpKey, on: RunningKparty = kparty): Promise<Reply> =>
    on.request('POST', `/v1/vc-api/${path}`, { body, ...(key !== null ? { key } : {}) });
  const codesOf = (reply: Reply): string[] => (reply.body?.errors ?? []).map((e: { code: string }) => e.code).sort();

  beforeAll(async () => {
    issuer = await diKey('Ed25519');
    holder = await diKey('P-256');
    [kparty, open] = await Promise.all([startKparty(), startKparty({ env: { KPARTY_VC_API_PUBLIC: 'true' } })]);
    const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'verifier', name: 'Verifier', audiences: [AUDIENCE] },
    });
    rpKey = rp.body.apiKey;
    const put = await kparty.request('PUT', '/v1/admin/policies/vc-api-portal', { key: rpKey, body: policy('vc-api-portal', 'ldp_vc', ['*']) });
    expect(put.status).toBe(201);
  });
  afterAll(async () => {
    await Promise.all([kparty?.stop(), open?.stop()]);
  });

  it('credentials/verify: 200 with the checks that ran for a credential signed by @digitalbazaar/vc', async () => {
    const reply = await post('credentials/verify', { verifiableCredential: await credential(issuer, holder.did), options: {} });
    expect({ status: reply.status, body: reply.body }).toEqual({
      status: 200,
      body: {
        verified: true,
        checks: ['proof', 'validity', 'status'],
        warnings: [],
        errors: [],
        credentials: [{ format: 'ldp_vc', issuer: issuer.did, type: ['VerifiableCredential'], status: 'none' }],
      },
    });
  });

  it('credentials/verify: a tampered credential → 422 credential.rejected listing credential.signature_invalid', async () => {
    const vc = await credential(issuer, holder.did);
    (vc.credentialSubject as Record<string, unknown>).id = 'did:example:mallory';
    const reply = await post('credentials/verify', { verifiableCredential: vc });
    expectProblem(reply, 422, 'credential.rejected');
    expect(codesOf(reply)).toEqual(['credential.signature_invalid']);
  });

  it('credentials/verify: an unpinned context → 422 naming it; a body without a credential → 400', async () => {
    const vc = { ...(await credential(issuer, holder.did)), '@context': ['https://www.w3.org/ns/credentials/v2', 'https://contexts.example.org/unknown'] };
    const reply = await post('credentials/verify', { verifiableCredential: vc });
    expectProblem(reply, 422, 'credential.rejected');
    expect(reply.body.errors).toEqual([
      expect.objectContaining({ code: 'credential.malformed', detail: expect.stringContaining('https://contexts.example.org/unknown') }),
    ]);
    expectProblem(await post('credentials/verify', { options: {} }), 400, 'request.invalid');
  });

  it('presentations/verify with a kparty challenge: verified once, then the challenge is used up', async () => {
    const issued = await kparty.request('POST', '/v1/challenges', { body: { policy: 'vc-api-portal' } });
    const vp = await signPresentation([await credential(issuer, holder.did)], holder, 'ecdsa-rdfc-2019', {
      challenge: issued.body.challenge,
      domain: issued.body.domain,
      date: now(),
    });
    const first = await post('presentations/verify', { verifiablePresentation: vp, options: { challenge: issued.body.challenge } });
    expect({ status: first.status, checks: first.body.checks }).toEqual({ status: 200, checks: ['proof', 'validity', 'status', 'challenge', 'domain'] });
    const again = await post('presentations/verify', { verifiablePresentation: vp, options: { challenge: issued.body.challenge } });
    expect({ status: again.status, verified: again.body.verified }).toEqual({ status: 200, verified: true });
    // Consumed by the first call: POST /v1/presentations/verify no longer accepts it.
    const replay = await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'vc-api-portal', presentation: vp } });
    expect(codesOf(replay)).toContain('challenge.unknown');
  });

  it("presentations/verify with the caller's own challenge and domain: compared, not consumed", async () => {
    const vp = await signPresentation([await credential(issuer, holder.did)], holder, 'ecdsa-rdfc-2019', {
      challenge: 'caller-challenge-1',
      domain: 'https://caller.example',
      date: now(),
    });
    for (let i = 0; i < 2; i++)
      expect(
        (await post('presentations/verify', { verifiablePresentation: vp, options: { challenge: 'caller-challenge-1', domain: 'https://caller.example' } }))
          .status,
      ).toBe(200);
    const wrongChallenge = await post('presentations/verify', {
      verifiablePresentation: vp,
      options: { challenge: 'another', domain: 'https://caller.example' },
    });
    expectProblem(wrongChallenge, 422, 'presentation.rejected');
    expect(codesOf(wrongChallenge)).toEqual(['challenge.unknown']);
    const wrongDomain = await post('presentations/verify', {
      verifiablePresentation: vp,
      options: { challenge: 'caller-challenge-1', domain: 'https://other.example' },
    });
    expect(codesOf(wrongDomain)).toEqual(['audience.mismatch']);
  });

  it('presentations/verify: a credential tampered inside a re-signed presentation → 422 credential.signature_invalid', async () => {
    const vc = await credential(issuer, holder.did);
    (vc.credentialSubject as Record<string, unknown>).id = 'did:example:mallory';
    const vp = await signPresentation([vc], holder, 'ecdsa-rdfc-2019', { challenge: 'c-2', date: now() });
    const reply = await post('presentations/verify', { verifiablePresentation: vp, options: { challenge: 'c-2' } });
    expect(codesOf(reply)).toEqual(['credential.signature_invalid']);
  });

  it('needs an API key unless KPARTY_VC_API_PUBLIC=true', async () => {
    const body = { verifiableCredential: await credential(issuer, holder.did) };
    expectProblem(await post('credentials/verify', body, null), 401, 'auth.unauthorized');
    expectProblem(await post('credentials/verify', body, 'not-a-key'), 401, 'auth.unauthorized');
    expect((await post('credentials/verify', body, null, open)).status).toBe(200);
  });
});
