/**
 * SD-JWT VC (`dc+sd-jwt`) through the built service: credentials issued and
 * presented with @sd-jwt/sd-jwt-vc (issuer and wallet), verified by
 * POST /v1/presentations/verify and exchanged at POST /v1/token, with every
 * issuer-key route: a did:key issuer, an x5c chain to KPARTY_TRUST_ANCHORS
 * (DCQL trusted_authorities), keys pinned in the policy and an https issuer's
 * jwt-vc-issuer metadata on a loopback host (KPARTY_OUTBOUND_ALLOW), plus a
 * Token Status List on that host.
 */
import 'reflect-metadata';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompactSign, createRemoteJWKSet, importJWK, jwtVerify, type JWK } from 'jose';
import { p256Identity } from '../support/identities.js';
import { es256KeyPair, issueSdJwtVc, presentSdJwtVc, sdJwtClaims, type KeyPair } from '../support/sd-jwt.js';
import { makePki, x5c, type TestCertificate } from '../support/x509.js';
import { serveOnLoopback, type LoopbackServer } from '../net/loopback-server.js';
import { startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { expectProblem } from './problem.js';

const AUDIENCE = 'https://pid-portal.example.com';
const VCT = 'urn:eudi:pid:1';
const now = (): number => Math.floor(Date.now() / 1000);
const CLAIMS = { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', age_equal_or_over: { '18': true }, nationalities: ['DE'] };
const FRAME = { _sd: ['given_name', 'family_name', 'birthdate', 'age_equal_or_over', 'nationalities'], age_equal_or_over: { _sd: ['18'] } };

function pidPolicy(id: string, trust: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    audience: AUDIENCE,
    credentials: [
      {
        id: 'pid',
        format: 'dc+sd-jwt',
        meta: { vct_values: [VCT] },
        claims: [{ path: ['given_name'] }, { path: ['age_equal_or_over', '18'], values: [true] }],
        maxAgeSeconds: 86_400,
        status: 'required',
        ...trust,
        ...extra,
      },
    ],
    holderBinding: 'required',
    session: { ttlSeconds: 120, scope: 'pid', claims: { given_name: ['pid', 'given_name'] } },
  };
}

/** The sd-jwt-js cases (test/vectors/sd-jwt-js, unmodified). */
const SD_JWT_JS = join(process.cwd(), 'test', 'vectors', 'sd-jwt-js');
const SD_JWT_JS_CASES = readdirSync(SD_JWT_JS)
  .filter((name) => name.endsWith('.json'))
  .map((name) => [name, JSON.parse(readFileSync(join(SD_JWT_JS, name), 'utf8'))] as const);

const codesOf = (reply: Reply): string[] => (reply.body?.errors ?? []).map((e: { code: string }) => e.code);

describe('dc+sd-jwt through POST /v1/presentations/verify and POST /v1/token', () => {
  let kparty: RunningKparty;
  let host: LoopbackServer;
  let anchorsDir: string;
  let pki: { root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate };
  const didIssuer = p256Identity();
  let holder: KeyPair;
  let pinnedIssuer: KeyPair;
  let metadataIssuer: KeyPair;
  const routes = new Map<string, { type: string; body: string }>();
  let issuerUrl: string;

  const challenge = async (policy: string): Promise<{ challenge: string; domain: string }> => {
    const reply = await kparty.request('POST', '/v1/challenges', { body: { policy } });
    expect(reply.status).toBe(201);
    return reply.body;
  };
  const verify = (presentation: unknown, policy: string): Promise<Reply> =>
    kparty.request('POST', '/v1/presentations/verify', { body: { policy, presentation } });

  /** A did:key-issued PID, every claim selectively disclosable. */
  const didPid = (extra: Record<string, unknown> = {}): Promise<string> =>
    issueSdJwtVc({
      issuerKey: { publicJwk: didIssuer.publicJwk, privateJwk: didIssuer.privateJwk },
      header: { kid: didIssuer.kid },
      payload: { iss: didIssuer.did, iat: now() - 60, vct: VCT, cnf: { jwk: holder.publicJwk }, ...CLAIMS, ...extra },
      frame: FRAME,
    });

  /** Presents for a fresh challenge of `policy` (or the given nonce/aud). */
  const presentFor = async (
    credential: string,
    policy: string,
    overrides: { nonce?: string; aud?: string; frame?: Record<string, unknown>; holderKey?: KeyPair } = {},
  ): Promise<string> => {
    const { challenge: nonce, domain } = await challenge(policy);
    return presentSdJwtVc(credential, {
      holderKey: overrides.holderKey ?? holder,
      nonce: overrides.nonce ?? nonce,
      aud: overrides.aud ?? domain,
      iat: now(),
      ...(overrides.frame ? { frame: overrides.frame } : {}),
    });
  };

  async function statusListToken(uri: string, values: number[]): Promise<string> {
    const bytes = Buffer.alloc(Math.ceil(values.length / 4));
    values.forEach((v, i) => (bytes[i >> 2] = (bytes[i >> 2] as number) | (v << ((i % 4) * 2))));
    const payload = { iss: didIssuer.did, sub: uri, iat: now() - 60, ttl: 60, status_list: { bits: 2, lst: deflateSync(bytes).toString('base64url') } };
    const key = await importJWK(didIssuer.privateJwk as JWK, 'ES256');
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', typ: 'statuslist+jwt', kid: didIssuer.kid })
      .sign(key);
  }

  beforeAll(async () => {
    holder = await es256KeyPair();
    pinnedIssuer = await es256KeyPair();
    metadataIssuer = await es256KeyPair();
    pki = await makePki();
    anchorsDir = mkdtempSync(join(tmpdir(), 'kparty-anchors-'));
    writeFileSync(join(anchorsDir, 'root.pem'), pki.root.pem);
    host = await serveOnLoopback((request, response) => {
      const route = routes.get(request.url ?? '');
      if (!route) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': route.type }).end(route.body);
    });
    issuerUrl = `${host.origin}/issuer`;
    routes.set('/.well-known/jwt-vc-issuer/issuer', {
      type: 'application/json',
      body: JSON.stringify({ issuer: issuerUrl, jwks: { keys: [{ ...metadataIssuer.publicJwk, kid: 'm1' }] } }),
    });
    const statusUri = `${host.origin}/status/1`;
    routes.set('/status/1', { type: 'application/statuslist+jwt', body: await statusListToken(statusUri, [0, 1, 2, 0]) });

    kparty = await startKparty({ env: { KPARTY_TRUST_ANCHORS: anchorsDir, KPARTY_OUTBOUND_ALLOW: host.authority } });
    const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'pid', name: 'PID portal', audiences: [AUDIENCE] },
    });
    const put = async (body: Record<string, unknown>): Promise<void> => {
      const reply = await kparty.request('PUT', `/v1/admin/policies/${body.id}`, { key: rp.body.apiKey, body });
      expect(reply.status).toBe(201);
    };
    await put(pidPolicy('pid-did', { trustedIssuers: [didIssuer.did] }));
    await put(pidPolicy('pid-x5c', { trusted_authorities: [{ type: 'aki', values: [pki.root.ski] }] }));
    await put(pidPolicy('pid-x5c-other-ca', { trusted_authorities: [{ type: 'aki', values: ['AAAAAAAAAAAAAAAAAAAAAAAAAAA'] }] }));
    await put(pidPolicy('pid-pinned', { trustedIssuers: [{ id: 'https://pinned.example.com', jwks: { keys: [pinnedIssuer.publicJwk] } }] }));
    await put(pidPolicy('pid-metadata', { trustedIssuers: [issuerUrl] }));
    await put(pidPolicy('pid-any', { trustedIssuers: ['*'] }));
    await put({
      id: 'sd-jwt-js',
      audience: AUDIENCE,
      credentials: [
        { id: 'any', format: 'dc+sd-jwt', meta: { vct_values: ['https://sd-jwt-js.example/case'] }, trustedIssuers: [didIssuer.did], status: 'ignore' },
      ],
      holderBinding: 'required',
    });
  });

  afterAll(async () => {
    await kparty?.stop();
    await host?.close();
    if (anchorsDir) rmSync(anchorsDir, { recursive: true, force: true });
  });

  it('verifies a did:key-issued PID, shows only the claims asked for, and issues a session for the cnf key', async () => {
    const reply = await verify(await presentFor(await didPid(), 'pid-did'), 'pid-did');
    expect(reply.status).toBe(200);
    expect(reply.body.verified).toBe(true);
    expect(reply.body.holder).toMatch(/^urn:ietf:params:oauth:jwk-thumbprint:sha-256:[A-Za-z0-9_-]{43}$/);
    expect(reply.body.credentials).toEqual([
      expect.objectContaining({ format: 'dc+sd-jwt', issuer: didIssuer.did, type: [VCT], claims: { given_name: 'Erika', age_equal_or_over: { '18': true } } }),
    ]);
    const jwks = createRemoteJWKSet(new URL(`${kparty.baseUrl}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(reply.body.session.token, jwks, { audience: AUDIENCE });
    expect(payload).toMatchObject({ sub: reply.body.holder, given_name: 'Erika' });
  });

  it('exchanges an SD-JWT VC at POST /v1/token', async () => {
    const reply = await kparty.request('POST', '/v1/token', {
      body: {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: await presentFor(await didPid(), 'pid-did'),
        subject_token_type: 'urn:kparty:params:oauth:token-type:vp',
        policy: 'pid-did',
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.access_token).toEqual(expect.any(String));
  });

  it('verifies an x5c issuer trusted through trusted_authorities (no trustedIssuers), and refuses another CA', async () => {
    const credential = await issueSdJwtVc({
      issuerKey: pki.leaf,
      header: { x5c: x5c(pki.leaf, pki.intermediate) },
      payload: { iat: now() - 60, vct: VCT, cnf: { jwk: holder.publicJwk }, ...CLAIMS },
      frame: FRAME,
    });
    const reply = await verify(await presentFor(credential, 'pid-x5c'), 'pid-x5c');
    expect(reply.status).toBe(200);
    expect(reply.body.credentials[0].issuer).toMatch(/^x509_hash:/);
    const refused = await verify(await presentFor(credential, 'pid-x5c-other-ca'), 'pid-x5c-other-ca');
    expect(codesOf(refused)).toContain('credential.issuer_untrusted');
  });

  it('hands wallets the DCQL with trusted_authorities and require_cryptographic_holder_binding, never the pinned keys', async () => {
    const x509 = (await kparty.request('POST', '/v1/challenges', { body: { policy: 'pid-x5c' } })).body.query.credentials[0];
    expect(x509).toMatchObject({
      id: 'pid',
      format: 'dc+sd-jwt',
      meta: { vct_values: [VCT] },
      trusted_authorities: [{ type: 'aki', values: [pki.root.ski] }],
      require_cryptographic_holder_binding: true,
    });
    const pinned = (await kparty.request('POST', '/v1/challenges', { body: { policy: 'pid-pinned' } })).body.query.credentials[0];
    expect(JSON.stringify(pinned)).not.toContain('jwks');
    expect(pinned).not.toHaveProperty('trustedIssuers');
  });

  it('verifies pinned keys and an https issuer with jwt-vc-issuer metadata', async () => {
    const pinned = await issueSdJwtVc({
      issuerKey: pinnedIssuer,
      payload: { iss: 'https://pinned.example.com', iat: now() - 60, vct: VCT, cnf: { jwk: holder.publicJwk }, ...CLAIMS },
      frame: FRAME,
    });
    expect((await verify(await presentFor(pinned, 'pid-pinned'), 'pid-pinned')).status).toBe(200);
    const published = await issueSdJwtVc({
      issuerKey: metadataIssuer,
      header: { kid: 'm1' },
      payload: { iss: issuerUrl, iat: now() - 60, vct: VCT, cnf: { jwk: holder.publicJwk }, ...CLAIMS },
      frame: FRAME,
    });
    const reply = await verify(await presentFor(published, 'pid-metadata'), 'pid-metadata');
    expect(reply.status).toBe(200);
    expect(reply.body.credentials[0].issuer).toBe(issuerUrl);
  });

  it('checks the Token Status List: valid, revoked, suspended', async () => {
    const entry = (idx: number) => ({ status: { status_list: { idx, uri: `${host.origin}/status/1` } } });
    expect((await verify(await presentFor(await didPid(entry(0)), 'pid-did'), 'pid-did')).status).toBe(200);
    expect(codesOf(await verify(await presentFor(await didPid(entry(1)), 'pid-did'), 'pid-did'))).toContain('credential.revoked');
    expect(codesOf(await verify(await presentFor(await didPid(entry(2)), 'pid-did'), 'pid-did'))).toContain('credential.suspended');
  });

  describe('the sd-jwt-js cases, issued and presented with @sd-jwt/sd-jwt-vc', () => {
    it('has the 17 cases', () => {
      expect(SD_JWT_JS_CASES).toHaveLength(17);
    });

    it.each(SD_JWT_JS_CASES)('%s: the disclosed claims, exactly what sd-jwt-js reads from the same presentation', async (_name, testCase) => {
      const registered = { iss: didIssuer.did, iat: now() - 60, vct: 'https://sd-jwt-js.example/case', cnf: { jwk: holder.publicJwk } };
      const credential = await issueSdJwtVc({
        issuerKey: { publicJwk: didIssuer.publicJwk, privateJwk: didIssuer.privateJwk },
        header: { kid: didIssuer.kid },
        payload: { ...testCase.claims, ...registered },
        frame: testCase.disclosureFrame,
      });
      const presentation = await presentFor(credential, 'sd-jwt-js', { frame: testCase.presentationFrames });
      const reply = await verify(presentation, 'sd-jwt-js');
      expect(reply.status).toBe(200);
      const claims = reply.body.credentials[0].claims as Record<string, unknown>;
      expect(claims).toMatchObject(testCase.presentedClaims);
      expect(claims).toEqual(await sdJwtClaims(presentation));
    });
  });

  describe('refuses', () => {
    it('a wrong nonce (challenge.unknown), a wrong aud (audience.mismatch), a replay', async () => {
      const credential = await didPid();
      expect(codesOf(await verify(await presentFor(credential, 'pid-did', { nonce: 'not-a-challenge' }), 'pid-did'))).toContain('challenge.unknown');
      expect(codesOf(await verify(await presentFor(credential, 'pid-did', { aud: 'https://evil.example.com' }), 'pid-did'))).toContain('audience.mismatch');
      const once = await presentFor(credential, 'pid-did');
      expect((await verify(once, 'pid-did')).status).toBe(200);
      expect(codesOf(await verify(once, 'pid-did'))).toContain('challenge.unknown');
    });

    it('a presentation without KB-JWT (challenge.missing)', async () => {
      const reply = await verify(await didPid(), 'pid-did');
      expectProblem(reply, 422, 'presentation.rejected');
      expect(codesOf(reply)).toContain('challenge.missing');
    });

    it('a KB-JWT signed by another key', async () => {
      const other = await es256KeyPair();
      expect(codesOf(await verify(await presentFor(await didPid(), 'pid-did', { holderKey: other }), 'pid-did'))).toContain('sdjwt.key_binding_invalid');
    });

    it('an undisclosed required claim, another vct, an untrusted issuer', async () => {
      const withoutAge = await presentFor(await didPid(), 'pid-did', { frame: { given_name: true } });
      expect(codesOf(await verify(withoutAge, 'pid-did'))).toContain('credential.claim_missing');
      expect(codesOf(await verify(await presentFor(await didPid({ vct: 'urn:other' }), 'pid-did'), 'pid-did'))).toContain('credential.type_mismatch');
      const stranger = p256Identity();
      const foreign = await issueSdJwtVc({
        issuerKey: { publicJwk: stranger.publicJwk, privateJwk: stranger.privateJwk },
        header: { kid: stranger.kid },
        payload: { iss: stranger.did, iat: now() - 60, vct: VCT, cnf: { jwk: holder.publicJwk }, ...CLAIMS },
        frame: FRAME,
      });
      expect(codesOf(await verify(await presentFor(foreign, 'pid-did'), 'pid-did'))).toContain('credential.issuer_untrusted');
    });

    it('a credential older than maxAgeSeconds (from iat), and one past its exp', async () => {
      expect(codesOf(await verify(await presentFor(await didPid({ iat: now() - 2 * 86_400 }), 'pid-did'), 'pid-did'))).toContain('credential.too_old');
      expect(codesOf(await verify(await presentFor(await didPid({ exp: now() - 3600 }), 'pid-did'), 'pid-did'))).toContain('credential.expired');
    });

    it('a tampered disclosure and a malformed SD-JWT', async () => {
      const presentation = await presentFor(await didPid(), 'pid-did');
      const parts = presentation.split('~');
      parts[1] = Buffer.from(JSON.stringify(['salt', 'given_name', 'Mallory'])).toString('base64url');
      expect(codesOf(await verify(parts.join('~'), 'pid-did'))).toEqual(['sdjwt.disclosure_invalid']);
      expect(codesOf(await verify('eyJhbGciOiJFUzI1NiJ9.e30.sig~WyJzYWx0IiwibmFtZSIsInYiXQ~', 'pid-any'))).toEqual(['credential.malformed']);
    });
  });
});
