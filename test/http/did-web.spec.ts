/**
 * did:web end to end, against the built service: issuers (and a holder)
 * whose DID documents a loopback HTTP server serves, allow-listed through
 * KPARTY_OUTBOUND_ALLOW; a canary on a loopback port that is not allow-listed
 * must never see a connection.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { didWebIdentity, serveDidWebHost, type DidWebHost, type DidWebIdentity } from '../support/did-web.js';
import { ed25519Identity, type TestIdentity } from '../support/identities.js';
import { serveCanary, type LoopbackServer } from '../net/loopback-server.js';
import { startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { expectProblem } from '../e2e/problem.js';

const AUDIENCE = 'https://orders.example.com';

function policy(id: string, trustedIssuers: string[]) {
  return {
    id,
    audience: AUDIENCE,
    credentials: [
      {
        id: 'employee',
        format: 'jwt_vc_json',
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'role'], values: ['staff'] }],
        trustedIssuers,
        status: 'required',
      },
    ],
    holderBinding: 'required',
    session: { ttlSeconds: 120, scope: 'orders:read' },
  };
}

const codesOf = (reply: Reply): string[] => (reply.body?.errors ?? []).map((e: { code: string }) => e.code).sort();
const unresolvable = (reply: Reply): unknown => (reply.body?.errors ?? []).find((e: { code: string }) => e.code === 'did.unresolvable');

describe('did:web issuers end to end (POST /v1/presentations/verify)', () => {
  let kparty: RunningKparty;
  let host: DidWebHost;
  let canary: LoopbackServer;
  let rootIssuer: DidWebIdentity;
  let pathIssuer: DidWebIdentity;
  let webHolder: DidWebIdentity;
  const holder = ed25519Identity();

  beforeAll(async () => {
    host = await serveDidWebHost();
    canary = await serveCanary();
    rootIssuer = didWebIdentity(host.didFor());
    pathIssuer = didWebIdentity(host.didFor('issuers', 'hr'));
    webHolder = didWebIdentity(host.didFor('people', 'alice'));
    for (const identity of [rootIssuer, pathIssuer, webHolder]) {
      host.publish(identity.did, { body: identity.document, headers: { 'cache-control': 'max-age=600' } });
    }
    kparty = await startKparty({ env: { KPARTY_OUTBOUND_ALLOW: host.authority, KPARTY_FETCH_TIMEOUT_MS: '2000' } });
    const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'orders', name: 'Orders', audiences: [AUDIENCE] },
    });
    for (const body of [policy('did-web-portal', [rootIssuer.did, pathIssuer.did]), policy('any-issuer', ['*'])]) {
      const reply = await kparty.request('PUT', `/v1/admin/policies/${body.id}`, { key: rp.body.apiKey, body });
      expect(reply.status).toBe(201);
    }
  });
  afterAll(async () => {
    await kparty?.stop();
    await Promise.all([host?.close(), canary?.close()]);
  });
  afterEach(() => {
    expect(canary.connections).toBe(0);
  });

  /** A did-jwt-vc VP-JWT from `by` answering a fresh challenge of `policyId`, carrying one credential from `issuer`. */
  async function verifyWith(issuer: TestIdentity, policyId = 'did-web-portal', by: TestIdentity = holder): Promise<Reply> {
    const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy: policyId } });
    expect(challenge.status).toBe(201);
    const vc = await issueJwtVc(issuer, by.did, { claims: { role: 'staff' } });
    const vp = await presentJwtVp(by, [vc], { nonce: challenge.body.challenge, aud: challenge.body.domain });
    return kparty.request('POST', '/v1/presentations/verify', { body: { policy: policyId, presentation: vp } });
  }

  it('accepts a credential signed by did:web:127.0.0.1%3A<port> (key #key-1 from /.well-known/did.json)', async () => {
    const reply = await verifyWith(rootIssuer);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ verified: true, holder: holder.did, credentials: [{ issuer: rootIssuer.did, subject: holder.did }] });
    expect(host.hits('/.well-known/did.json')).toBe(1);
  });

  it('accepts a credential signed by the path DID did:web:127.0.0.1%3A<port>:issuers:hr (/issuers/hr/did.json)', async () => {
    const reply = await verifyWith(pathIssuer);
    expect(reply.status).toBe(200);
    expect(reply.body.credentials[0].issuer).toBe(pathIssuer.did);
    expect(host.hits('/issuers/hr/did.json')).toBe(1);
  });

  it('accepts a presentation signed by a did:web holder', async () => {
    const reply = await verifyWith(rootIssuer, 'did-web-portal', webHolder);
    expect(reply.status).toBe(200);
    expect(reply.body.holder).toBe(webHolder.did);
  });

  it('serves later verifications from the cache: each document was fetched once', async () => {
    for (let i = 0; i < 3; i++) expect((await verifyWith(rootIssuer)).status).toBe(200);
    expect(host.hits('/.well-known/did.json')).toBe(1);
  });

  it('rejects a credential whose issuer document names another DID (did.unresolvable)', async () => {
    const impostor = didWebIdentity(host.didFor('issuers', 'impostor'));
    // The server answers for the impostor's DID with the HR issuer's document (keys and all).
    host.publish(impostor.did, { body: { ...pathIssuer.document } });
    const reply = await verifyWith(impostor, 'any-issuer');
    expectProblem(reply, 422, 'presentation.rejected');
    expect(codesOf(reply)).toEqual(['did.unresolvable', 'policy.unsatisfied']);
    expect(unresolvable(reply)).toEqual({
      code: 'did.unresolvable',
      path: 'credentials[0]',
      detail: `${impostor.did}: the DID document does not describe this DID`,
    });
  });

  it.each([
    ['did:web:127.0.0.1%3A<canary> (IP address not allow-listed)', (port: number) => `did:web:127.0.0.1%3A${port}`],
    ['did:web:localhost%3A<canary> (resolves to loopback)', (port: number) => `did:web:localhost%3A${port}`],
    ['a path DID on the canary', (port: number) => `did:web:localhost%3A${port}:issuers:hr`],
  ])('rejects an issuer on a loopback port that is not allow-listed, %s, without contacting it (did.unresolvable)', async (_label, didOn) => {
    const outsider = didWebIdentity(didOn(canary.port));
    const reply = await verifyWith(outsider, 'any-issuer');
    expectProblem(reply, 422, 'presentation.rejected');
    expect(codesOf(reply)).toEqual(['did.unresolvable', 'policy.unsatisfied']);
  });

  it('rejects an issuer whose document is missing (did.unresolvable) and says why without internals', async () => {
    const ghost = didWebIdentity(host.didFor('issuers', 'ghost'));
    const reply = await verifyWith(ghost, 'any-issuer');
    expect(codesOf(reply)).toEqual(['did.unresolvable', 'policy.unsatisfied']);
    expect(unresolvable(reply)).toEqual({ code: 'did.unresolvable', path: 'credentials[0]', detail: `${ghost.did}: the host answered HTTP 404` });
    expect(reply.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1:\d+\/|FetchError|at .+\.js:\d+/);
  });

  it('rejects a did:web holder whose presentation names a did:web it cannot resolve (did.unresolvable)', async () => {
    const stranger = didWebIdentity(host.didFor('people', 'nobody'));
    const reply = await verifyWith(rootIssuer, 'did-web-portal', stranger);
    expectProblem(reply, 422, 'presentation.rejected');
    expect(reply.body.errors).toEqual([{ code: 'did.unresolvable', path: 'presentation', detail: `${stranger.did}: the host answered HTTP 404` }]);
  });
});
