import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { employeePolicy } from '../e2e/policies.js';
import { expectProblem } from '../e2e/problem.js';

describe('kparty foundation over HTTP (built app, SQLite)', () => {
  let kparty: RunningKparty;
  let rpA: string;
  let rpB: string;

  beforeAll(async () => {
    kparty = await startKparty();
    const a = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'shop-a', name: 'Shop A', audiences: ['https://orders.example.com', 'https://shop-a.example'] },
    });
    const b = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'shop-b', name: 'Shop B', audiences: ['https://shop-b.example'] },
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    rpA = a.body.apiKey;
    rpB = b.body.apiKey;
  });

  afterAll(async () => {
    await kparty?.stop();
  });

  describe('operations', () => {
    it('answers /healthz and /readyz', async () => {
      expect((await kparty.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
      expect((await kparty.request('GET', '/readyz')).body).toEqual({ status: 'ready' });
    });

    it('serves the OpenAPI document with the request schemas from schemas/', async () => {
      const doc = await kparty.request('GET', '/docs/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toBe('3.1.0');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/v1/challenges', '/v1/admin/policies/{id}', '/v1/admin/relying-parties', '/.well-known/jwks.json']),
      );
      expect(doc.body.components.schemas.PresentationPolicy.required).toEqual(expect.arrayContaining(['id', 'audience', 'credentials']));
      const ui = await kparty.request('GET', '/docs');
      expect(ui.status).toBe(200);
      expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    });

    it('gives every response a request id, keeping a well-formed incoming one', async () => {
      const fresh = await kparty.request('GET', '/healthz');
      expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const kept = await kparty.request('GET', '/healthz', { headers: { 'x-request-id': 'trace-42' } });
      expect(kept.headers.get('x-request-id')).toBe('trace-42');
      const hostile = await kparty.request('GET', '/healthz', { headers: { 'x-request-id': 'a b<script>' } });
      expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const failed = await kparty.request('GET', '/v1/nothing-here', { headers: { 'x-request-id': 'trace-43' } });
      expectProblem(failed, 404, 'route.not_found');
      expect(failed.body.requestId).toBe('trace-43');
    });
  });

  describe('session-signing keys', () => {
    it('publishes one ES256 public key, without private members', async () => {
      const jwks = await kparty.request('GET', '/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys).toHaveLength(1);
      expect(jwks.body.keys[0]).toEqual({
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: expect.any(String),
        alg: 'ES256',
        use: 'sig',
      });
    });

    it('publishes RFC 8414 metadata naming the issuer and the JWKS', async () => {
      const meta = await kparty.request('GET', '/.well-known/oauth-authorization-server');
      expect(meta.body).toMatchObject({
        issuer: kparty.baseUrl.replace('127.0.0.1', 'localhost'),
        jwks_uri: expect.stringMatching(/\/\.well-known\/jwks\.json$/),
      });
    });
  });

  describe('admin authentication', () => {
    it('refuses a missing key with 401 and a Bearer challenge', async () => {
      const reply = await kparty.request('GET', '/v1/admin/policies');
      expectProblem(reply, 401, 'auth.unauthorized');
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('refuses a wrong key, a malformed header and an oversized key with 401', async () => {
      expectProblem(await kparty.request('GET', '/v1/admin/policies', { key: 'kpk_not-a-real-key' }), 401, 'auth.unauthorized');
      expectProblem(await kparty.request('GET', '/v1/admin/policies', { headers: { authorization: `Basic ${TEST_ADMIN_KEY}` } }), 401, 'auth.unauthorized');
      expectProblem(await kparty.request('GET', '/v1/admin/policies', { key: 'k'.repeat(5000) }), 401, 'auth.unauthorized');
    });

    it('lets only the operator create relying parties', async () => {
      expectProblem(
        await kparty.request('POST', '/v1/admin/relying-parties', { key: rpA, body: { id: 'x', name: 'X', audiences: ['https://x.example'] } }),
        403,
        'auth.forbidden',
      );
      expectProblem(
        await kparty.request('POST', '/v1/admin/relying-parties', { body: { id: 'x', name: 'X', audiences: ['https://x.example'] } }),
        401,
        'auth.unauthorized',
      );
    });

    it('shows a relying party key once and refuses a taken id', async () => {
      const created = await kparty.request('POST', '/v1/admin/relying-parties', {
        key: TEST_ADMIN_KEY,
        body: { id: 'shop-c', name: 'Shop C', audiences: ['https://shop-c.example'] },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: 'shop-c', name: 'Shop C', apiKey: expect.stringMatching(/^kpk_[A-Za-z0-9_-]{43}$/) });
      expectProblem(
        await kparty.request('POST', '/v1/admin/relying-parties', {
          key: TEST_ADMIN_KEY,
          body: { id: 'shop-c', name: 'Again', audiences: ['https://shop-c2.example'] },
        }),
        409,
        'relying_party.conflict',
      );
    });

    it('validates the relying-party body, listing every violation', async () => {
      const reply = await kparty.request('POST', '/v1/admin/relying-parties', { key: TEST_ADMIN_KEY, body: { id: 'Bad Id!', extra: 1 } });
      expectProblem(reply, 400, 'request.invalid');
      const paths = reply.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['/id', '/name', '/extra']));
    });
  });

  describe('policies', () => {
    it("creates (201), replaces (200), reads and lists a relying party's own policy", async () => {
      const created = await kparty.request('PUT', '/v1/admin/policies/portal-a', { key: rpA, body: employeePolicy('portal-a') });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ owner: 'shop-a', policy: { id: 'portal-a', audience: 'https://orders.example.com' } });
      const replaced = await kparty.request('PUT', '/v1/admin/policies/portal-a', {
        key: rpA,
        body: employeePolicy('portal-a', { audience: 'https://shop-a.example' }),
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body.createdAt).toBe(created.body.createdAt);
      const read = await kparty.request('GET', '/v1/admin/policies/portal-a', { key: rpA });
      expect(read.body.policy.audience).toBe('https://shop-a.example');
      const list = await kparty.request('GET', '/v1/admin/policies', { key: rpA });
      expect(list.body.policies.map((p: { policy: { id: string } }) => p.policy.id)).toEqual(['portal-a']);
    });

    it('accepts a body without id (taken from the path) and refuses a different one', async () => {
      const { id: _omit, ...withoutId } = employeePolicy('ignored');
      expect((await kparty.request('PUT', '/v1/admin/policies/portal-a2', { key: rpA, body: withoutId })).status).toBe(201);
      expectProblem(await kparty.request('PUT', '/v1/admin/policies/portal-a3', { key: rpA, body: employeePolicy('other') }), 400, 'request.invalid');
    });

    it("never lets one relying party see or touch another's policy", async () => {
      await kparty.request('PUT', '/v1/admin/policies/secret-a', { key: rpA, body: employeePolicy('secret-a') });
      expectProblem(await kparty.request('GET', '/v1/admin/policies/secret-a', { key: rpB }), 404, 'policy.not_found');
      expectProblem(await kparty.request('DELETE', '/v1/admin/policies/secret-a', { key: rpB }), 404, 'policy.not_found');
      expectProblem(await kparty.request('PUT', '/v1/admin/policies/secret-a', { key: rpB, body: employeePolicy('secret-a') }), 409, 'policy.conflict');
      const listB = await kparty.request('GET', '/v1/admin/policies', { key: rpB });
      expect(listB.body.policies).toEqual([]);
      // Still there, unchanged, for its owner.
      const read = await kparty.request('GET', '/v1/admin/policies/secret-a', { key: rpA });
      expect(read.body.owner).toBe('shop-a');
      // An unknown id answers exactly like another's.
      const unknown = await kparty.request('GET', '/v1/admin/policies/no-such', { key: rpB });
      expectProblem(unknown, 404, 'policy.not_found');
    });

    it('lets the operator list every policy', async () => {
      const list = await kparty.request('GET', '/v1/admin/policies', { key: TEST_ADMIN_KEY });
      expect(list.body.policies.map((p: { policy: { id: string } }) => p.policy.id)).toEqual(expect.arrayContaining(['portal-a', 'secret-a']));
    });

    it('deletes its own policy (204), after which it is gone', async () => {
      await kparty.request('PUT', '/v1/admin/policies/short-lived', { key: rpA, body: employeePolicy('short-lived') });
      expect((await kparty.request('DELETE', '/v1/admin/policies/short-lived', { key: rpA })).status).toBe(204);
      expectProblem(await kparty.request('GET', '/v1/admin/policies/short-lived', { key: rpA }), 404, 'policy.not_found');
      expectProblem(await kparty.request('POST', '/v1/challenges', { body: { policy: 'short-lived' } }), 404, 'policy.not_found');
    });

    it('reports every schema violation of a policy with its path', async () => {
      const bad = employeePolicy('bad-policy', {
        audience: '',
        holderBinding: 'sometimes',
        credentials: [{ id: 'employee', format: 'pdf', trustedIssuers: [], status: 'maybe', trustedIssuer: ['did:web:x'] }],
        session: { ttlSeconds: -5 },
      });
      const reply = await kparty.request('PUT', '/v1/admin/policies/bad-policy', { key: rpA, body: bad });
      expectProblem(reply, 400, 'policy.invalid');
      const paths: string[] = reply.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/audience',
          '/holderBinding',
          '/credentials/0/format',
          '/credentials/0/trustedIssuers',
          '/credentials/0/status',
          '/credentials/0/trustedIssuer',
          '/session/ttlSeconds',
        ]),
      );
      for (const entry of reply.body.errors) expect(entry).toMatchObject({ code: 'policy.invalid', detail: expect.any(String) });
      expectProblem(await kparty.request('GET', '/v1/admin/policies/bad-policy', { key: rpA }), 404, 'policy.not_found');
    });

    it('refuses a session TTL above KPARTY_SESSION_MAX_TTL', async () => {
      const reply = await kparty.request('PUT', '/v1/admin/policies/too-long', {
        key: rpA,
        body: employeePolicy('too-long', { session: { ttlSeconds: 7200 } }),
      });
      expectProblem(reply, 400, 'policy.invalid');
      expect(reply.body.errors[0].path).toBe('/session/ttlSeconds');
    });

    it('refuses hostile policy bodies with 400, never 500', async () => {
      for (const body of [[], 'string', 42, null, { __proto__: { admin: true } }, { credentials: 'x'.repeat(100_000) }]) {
        const reply = await kparty.request('PUT', '/v1/admin/policies/hostile', { key: rpA, body });
        expect([400]).toContain(reply.status);
        expect(['policy.invalid', 'request.invalid']).toContain(reply.body.code);
      }
    });
  });

  describe('challenges', () => {
    beforeAll(async () => {
      await kparty.request('PUT', '/v1/admin/policies/login', { key: rpA, body: employeePolicy('login') });
    });

    it('issues a fresh single-use nonce bound to the policy, with its DCQL query', async () => {
      const before = Date.now();
      const reply = await kparty.request('POST', '/v1/challenges', { body: { policy: 'login' } });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        domain: 'https://orders.example.com',
        policy: 'login',
        expiresAt: expect.any(String),
        query: {
          credentials: [
            {
              id: 'employee',
              format: 'jwt_vc_json',
              meta: { type_values: [['EmployeeCredential']] },
              claims: [{ path: ['credentialSubject', 'role'], values: ['admin', 'staff'] }, { path: ['credentialSubject', 'email'] }],
              require_cryptographic_holder_binding: true,
            },
          ],
        },
      });
      const expiresAt = Date.parse(reply.body.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 300_000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 300_000 + 1000);
      const again = await kparty.request('POST', '/v1/challenges', { body: { policy: 'login' } });
      expect(again.body.challenge).not.toBe(reply.body.challenge);
    });

    it('answers 404 policy.not_found for an unknown policy', async () => {
      expectProblem(await kparty.request('POST', '/v1/challenges', { body: { policy: 'nope' } }), 404, 'policy.not_found');
    });

    it('answers 400 request.invalid for malformed JSON, a missing or mistyped field and extra fields', async () => {
      expectProblem(
        await kparty.request('POST', '/v1/challenges', { raw: '{"policy": "login"', headers: { 'content-type': 'application/json' } }),
        400,
        'request.invalid',
      );
      expectProblem(await kparty.request('POST', '/v1/challenges', { raw: '', headers: { 'content-type': 'application/json' } }), 400, 'request.invalid');
      expectProblem(await kparty.request('POST', '/v1/challenges', { body: {} }), 400, 'request.invalid');
      expectProblem(await kparty.request('POST', '/v1/challenges', { body: { policy: 7 } }), 400, 'request.invalid');
      expectProblem(await kparty.request('POST', '/v1/challenges', { body: { policy: 'login', admin: true } }), 400, 'request.invalid');
      expectProblem(await kparty.request('POST', '/v1/challenges', { body: ['login'] }), 400, 'request.invalid');
    });

    it('answers 413 request.too_large above 1 MiB and 415 for a non-JSON body', async () => {
      const big = JSON.stringify({ policy: 'login', pad: 'x'.repeat(1_100_000) });
      expectProblem(await kparty.request('POST', '/v1/challenges', { raw: big, headers: { 'content-type': 'application/json' } }), 413, 'request.too_large');
      expectProblem(
        await kparty.request('POST', '/v1/challenges', { raw: 'policy=login', headers: { 'content-type': 'text/plain' } }),
        415,
        'request.unsupported_media_type',
      );
    });

    it('stays healthy after hostile input', async () => {
      expect((await kparty.request('GET', '/healthz')).status).toBe(200);
    });
  });
});
