import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { issueJwtVc, issueVcJwtV2, presentJwtVp, presentVpJwtV2 } from '../support/credentials.js';
import { didJwkIdentity, ed25519Identity, p256Identity, type TestIdentity } from '../support/identities.js';
import { startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { expectProblem } from '../e2e/problem.js';

const AUDIENCE = 'https://orders.example.com';
const YEAR = 365 * 24 * 3600;
const now = (): number => Math.floor(Date.now() / 1000);

function employeePolicy(id: string, format: 'jwt_vc_json' | 'vc+jwt', trustedIssuers: string[], extra: Record<string, unknown> = {}) {
  return {
    id,
    audience: AUDIENCE,
    credentials: [
      {
        id: 'employee',
        format,
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'role'], values: ['admin', 'staff'] }, { path: ['credentialSubject', 'email'] }],
        trustedIssuers,
        maxAgeSeconds: YEAR,
        status: 'required',
        ...extra,
      },
    ],
    holderBinding: 'required',
    session: { ttlSeconds: 120, scope: 'orders:read orders:write', claims: { email: ['employee', 'credentialSubject', 'email'] } },
  };
}

/** Replaces the payload of a compact JWS, keeping header and signature (a tampered token). */
function tamper(jws: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split('.') as [string, string, string];
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
  change(decoded);
  return `${header}.${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
}

/**
 * A status entry whose list lives on loopback, which this kparty (no KPARTY_OUTBOUND_ALLOW) may not reach:
 * the fetch is refused as `address_blocked` before any connection. Lists that can be fetched: status-lists.e2e.spec.ts.
 */
const BLOCKED_STATUS_ENTRY = {
  id: 'http://127.0.0.1:9/status/1#5',
  type: 'BitstringStatusListEntry',
  statusPurpose: 'revocation',
  statusListIndex: '5',
  statusListCredential: 'http://127.0.0.1:9/status/1',
};

function codesOf(reply: Reply): string[] {
  return (reply.body?.errors ?? []).map((e: { code: string }) => e.code);
}

describe('POST /v1/presentations/verify with JWT presentations', () => {
  let kparty: RunningKparty;
  let rpKey: string;
  const issuer = ed25519Identity();
  const holder = ed25519Identity();
  const stranger = ed25519Identity();
  const p256Issuer = p256Identity();

  const challenge = async (policy = 'employee-portal'): Promise<{ challenge: string; domain: string }> => {
    const reply = await kparty.request('POST', '/v1/challenges', { body: { policy } });
    expect(reply.status).toBe(201);
    return reply.body;
  };
  const verify = (presentation: unknown, policy = 'employee-portal'): Promise<Reply> =>
    kparty.request('POST', '/v1/presentations/verify', { body: { policy, presentation } });

  /** A did-jwt-vc VP-JWT answering a fresh challenge, with the given credentials (default: one good one). */
  const vpFor = async (credentials?: string[], options: { policy?: string; by?: TestIdentity; aud?: string } = {}): Promise<string> => {
    const { challenge: nonce, domain } = await challenge(options.policy);
    return presentJwtVp(options.by ?? holder, credentials ?? [await issueJwtVc(issuer, holder.did)], { nonce, aud: options.aud ?? domain });
  };

  /** Expects a 422 listing exactly these failure codes (in any order). */
  const expectRejected = (reply: Reply, ...codes: string[]): void => {
    expectProblem(reply, 422, 'presentation.rejected');
    expect(codesOf(reply).sort()).toEqual([...codes].sort());
    for (const entry of reply.body.errors) expect(entry).toEqual({ code: expect.any(String), path: expect.any(String), detail: expect.any(String) });
  };

  beforeAll(async () => {
    kparty = await startKparty();
    const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'orders', name: 'Orders', audiences: [AUDIENCE] },
    });
    rpKey = rp.body.apiKey;
    const put = async (body: Record<string, unknown>): Promise<void> => {
      const reply = await kparty.request('PUT', `/v1/admin/policies/${body.id}`, { key: rpKey, body });
      expect(reply.status).toBe(201);
    };
    await put(employeePolicy('employee-portal', 'jwt_vc_json', [issuer.did, p256Issuer.did]));
    await put(employeePolicy('employee-portal-v2', 'vc+jwt', [issuer.did]));
    await put(employeePolicy('other-portal', 'jwt_vc_json', [issuer.did]));
    await put({ ...employeePolicy('lenient-status', 'jwt_vc_json', [issuer.did], { status: 'optional' }) });
    const twoQueries = employeePolicy('employee-and-badge', 'jwt_vc_json', [issuer.did]);
    twoQueries.credentials.push({
      id: 'badge',
      format: 'jwt_vc_json',
      meta: { type_values: [['BadgeCredential']] },
      claims: [{ path: ['credentialSubject', 'badge'] }],
      trustedIssuers: [issuer.did],
      maxAgeSeconds: YEAR,
      status: 'required',
    } as (typeof twoQueries.credentials)[number]);
    await put(twoQueries);
  });

  afterAll(async () => {
    await kparty?.stop();
  });

  describe('accepted', () => {
    it('verifies a did-jwt-vc VP-JWT (Ed25519 did:key) and issues a session token verifiable against the JWKS', async () => {
      const reply = await verify(await vpFor());
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        verified: true,
        holder: holder.did,
        credentials: [
          {
            format: 'jwt_vc_json',
            issuer: issuer.did,
            type: ['VerifiableCredential', 'EmployeeCredential'],
            subject: holder.did,
            claims: { credentialSubject: { role: 'staff', email: 'alice@example.com' } },
            status: 'none',
          },
        ],
        session: { token: expect.any(String), tokenType: 'Bearer', expiresIn: 120, scope: 'orders:read orders:write' },
      });
      const jwks = createRemoteJWKSet(new URL(`${kparty.baseUrl}/.well-known/jwks.json`));
      const issuerUrl = (await kparty.request('GET', '/.well-known/oauth-authorization-server')).body.issuer;
      const { payload, protectedHeader } = await jwtVerify(reply.body.session.token, jwks, {
        issuer: issuerUrl,
        audience: AUDIENCE,
        typ: 'at+jwt',
        algorithms: ['ES256'],
      });
      expect(protectedHeader.typ).toBe('at+jwt');
      expect(payload).toMatchObject({
        sub: holder.did,
        client_id: 'orders',
        policy: 'employee-portal',
        scope: 'orders:read orders:write',
        email: 'alice@example.com',
      });
      expect(payload.exp! - payload.iat!).toBe(120);
    });

    it("verifies a credential whose JWS has no kid (did-jwt's default), trying the issuer's assertion keys", async () => {
      const vc = await issueJwtVc(issuer, holder.did, { withKid: false });
      const { challenge: nonce, domain } = await challenge();
      const vp = await presentJwtVp(holder, [vc], { nonce, aud: domain, withKid: false });
      expect((await verify(vp)).status).toBe(200);
    });

    it('verifies an ES256 credential from a P-256 did:key issuer', async () => {
      const reply = await verify(await vpFor([await issueJwtVc(p256Issuer, holder.did)]));
      expect(reply.status).toBe(200);
      expect(reply.body.credentials[0].issuer).toBe(p256Issuer.did);
    });

    it('verifies a VC-DM 2.0 vp+jwt with an enveloped vc+jwt (assembled with jose)', async () => {
      const { challenge: nonce, domain } = await challenge('employee-portal-v2');
      const vp = await presentVpJwtV2(holder, [await issueVcJwtV2(issuer, holder.did)], { nonce, aud: domain });
      const reply = await verify(vp, 'employee-portal-v2');
      expect(reply.status).toBe(200);
      expect(reply.body.credentials[0]).toMatchObject({ format: 'vc+jwt', issuer: issuer.did, subject: holder.did });
    });

    it('verifies a presentation signed by a did:jwk holder', async () => {
      const jwkHolder = didJwkIdentity();
      const reply = await verify(await vpFor([await issueJwtVc(issuer, jwkHolder.did)], { by: jwkHolder }));
      expect(reply.status).toBe(200);
      expect(reply.body.holder).toBe(jwkHolder.did);
    });

    it('passes a credential whose status list cannot be fetched under status: optional, reporting it unavailable', async () => {
      // Loopback is not in KPARTY_OUTBOUND_ALLOW here: the guarded fetcher refuses the address before connecting.
      const vc = await issueJwtVc(issuer, holder.did, { credentialStatus: BLOCKED_STATUS_ENTRY });
      const reply = await verify(await vpFor([vc], { policy: 'lenient-status' }), 'lenient-status');
      expect(reply.status).toBe(200);
      expect(reply.body.credentials[0].status).toBe('unavailable');
    });
  });

  describe('challenge', () => {
    it('refuses a replayed presentation: the challenge was consumed', async () => {
      const vp = await vpFor();
      expect((await verify(vp)).status).toBe(200);
      const replay = await verify(vp);
      expectRejected(replay, 'challenge.unknown');
    });

    it('refuses an unknown nonce', async () => {
      const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: 'A'.repeat(43), aud: AUDIENCE });
      expectRejected(await verify(vp), 'challenge.unknown');
    });

    it('refuses a challenge issued for another policy, and consumes it', async () => {
      const vp = await vpFor(undefined, { policy: 'other-portal' });
      expectRejected(await verify(vp), 'challenge.policy_mismatch');
      expectRejected(await verify(vp, 'other-portal'), 'challenge.unknown');
    });

    it('refuses a presentation without a nonce', async () => {
      const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { aud: AUDIENCE });
      expectRejected(await verify(vp), 'challenge.missing');
    });

    it('consumes the challenge even when other checks fail', async () => {
      const { challenge: nonce, domain } = await challenge();
      const expired = await issueJwtVc(issuer, holder.did, { exp: now() - 3600, nbf: now() - 7200 });
      expectRejected(await verify(await presentJwtVp(holder, [expired], { nonce, aud: domain })), 'credential.expired', 'policy.unsatisfied');
      const good = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce, aud: domain });
      expectRejected(await verify(good), 'challenge.unknown');
    });

    it('answers exactly one of 20 concurrent submissions of the same presentation with 200', async () => {
      const vp = await vpFor();
      const replies = await Promise.all(Array.from({ length: 20 }, () => verify(vp)));
      expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
      for (const reply of replies.filter((r) => r.status !== 200)) expectRejected(reply, 'challenge.unknown');
    });
  });

  describe('audience and signatures', () => {
    it('refuses a presentation made for another audience', async () => {
      expectRejected(await verify(await vpFor(undefined, { aud: 'https://evil.example' })), 'audience.mismatch');
    });

    it('refuses a tampered credential', async () => {
      const vc = tamper(await issueJwtVc(issuer, holder.did, { claims: { role: 'staff', email: 'a@example.com' } }), (p) => {
        (p.vc as { credentialSubject: { role: string } }).credentialSubject.role = 'admin';
      });
      expectRejected(await verify(await vpFor([vc])), 'credential.signature_invalid', 'policy.unsatisfied');
    });

    it('refuses a tampered presentation', async () => {
      const vp = tamper(await vpFor(), (p) => {
        p.extra = 'injected';
      });
      expectRejected(await verify(vp), 'presentation.signature_invalid');
    });

    it('refuses a presentation signed by someone else than its holder', async () => {
      const { challenge: nonce, domain } = await challenge();
      // Claims to be from `holder`, signed with `stranger`'s key but naming holder's kid.
      const vp = await presentJwtVp({ ...stranger, did: holder.did, kid: holder.kid }, [await issueJwtVc(issuer, holder.did)], { nonce, aud: domain });
      expectRejected(await verify(vp), 'presentation.signature_invalid');
    });

    it('refuses alg "none"', async () => {
      const real = await issueJwtVc(issuer, holder.did);
      const [, payload] = real.split('.');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: issuer.kid })).toString('base64url')}.${payload}.`;
      expectRejected(await verify(await vpFor([unsigned])), 'credential.alg_forbidden', 'policy.unsatisfied');
    });

    it("refuses HS256 signed with the issuer's public key as the HMAC secret (algorithm confusion)", async () => {
      const real = await issueJwtVc(issuer, holder.did);
      const [, payload] = real.split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: issuer.kid })).toString('base64url');
      const pem = createPublicKey({ key: issuer.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const signature = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
      expectRejected(await verify(await vpFor([`${header}.${payload}.${signature}`])), 'credential.alg_forbidden', 'policy.unsatisfied');
    });

    it("refuses a kid naming another DID's key", async () => {
      const vc = await issueJwtVc({ ...issuer, kid: stranger.kid }, holder.did);
      expectRejected(await verify(await vpFor([vc])), 'did.key_not_found', 'policy.unsatisfied');
    });

    it('refuses a key that is only in keyAgreement', async () => {
      // did:jwk with use "enc": its only verification method is a keyAgreement key (did:jwk spec).
      const encIssuer = didJwkIdentity('enc');
      const policyId = 'enc-issuer';
      await kparty.request('PUT', `/v1/admin/policies/${policyId}`, { key: rpKey, body: employeePolicy(policyId, 'jwt_vc_json', [encIssuer.did]) });
      const vc = await issueJwtVc(encIssuer, holder.did);
      const reply = await verify(await vpFor([vc], { policy: policyId }), policyId);
      expectRejected(reply, 'did.key_not_found', 'policy.unsatisfied');
    });

    it('refuses an unknown critical header', async () => {
      // jose refuses to sign this, as a conforming producer should; sign it by hand.
      const header = Buffer.from(
        JSON.stringify({ alg: 'EdDSA', kid: issuer.kid, crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }),
      ).toString('base64url');
      const [, payload] = (await issueJwtVc(issuer, holder.did)).split('.');
      const privateKey = createPrivateKey({ key: issuer.privateJwk, format: 'jwk' });
      const signature = sign(null, Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
      expectRejected(await verify(await vpFor([`${header}.${payload}.${signature}`])), 'credential.signature_invalid', 'policy.unsatisfied');
    });
  });

  describe('validity and policy', () => {
    it('refuses an expired credential', async () => {
      expectRejected(
        await verify(await vpFor([await issueJwtVc(issuer, holder.did, { exp: now() - 3600, nbf: now() - 7200 })])),
        'credential.expired',
        'policy.unsatisfied',
      );
    });

    it('refuses a credential not yet valid', async () => {
      expectRejected(
        await verify(await vpFor([await issueJwtVc(issuer, holder.did, { nbf: now() + 3600 })])),
        'credential.not_yet_valid',
        'policy.unsatisfied',
      );
    });

    it('refuses a credential older than maxAgeSeconds', async () => {
      expectRejected(await verify(await vpFor([await issueJwtVc(issuer, holder.did, { nbf: now() - 2 * YEAR })])), 'credential.too_old', 'policy.unsatisfied');
    });

    it('refuses a credential from an untrusted issuer', async () => {
      expectRejected(await verify(await vpFor([await issueJwtVc(stranger, holder.did)])), 'credential.issuer_untrusted', 'policy.unsatisfied');
    });

    it('refuses a credential about someone else (holder binding)', async () => {
      expectRejected(await verify(await vpFor([await issueJwtVc(issuer, stranger.did)])), 'presentation.holder_mismatch', 'policy.unsatisfied');
    });

    it('refuses a credential of the wrong type', async () => {
      expectRejected(
        await verify(await vpFor([await issueJwtVc(issuer, holder.did, { types: ['LibraryCard'] })])),
        'credential.type_mismatch',
        'policy.unsatisfied',
      );
    });

    it('refuses a credential missing a required claim', async () => {
      expectRejected(
        await verify(await vpFor([await issueJwtVc(issuer, holder.did, { claims: { role: 'staff' } })])),
        'credential.claim_missing',
        'policy.unsatisfied',
      );
    });

    it('refuses a claim value the policy does not allow', async () => {
      expectRejected(
        await verify(await vpFor([await issueJwtVc(issuer, holder.did, { claims: { role: 'intern', email: 'i@example.com' } })])),
        'credential.claim_value',
        'policy.unsatisfied',
      );
    });

    it('fails closed under status: required when the status list cannot be fetched (a blocked address)', async () => {
      const vc = await issueJwtVc(issuer, holder.did, { credentialStatus: BLOCKED_STATUS_ENTRY });
      expectRejected(await verify(await vpFor([vc])), 'credential.status_unavailable', 'policy.unsatisfied');
    });

    it('refuses a presentation carrying no credential', async () => {
      expectRejected(await verify(await vpFor([])), 'policy.unsatisfied');
    });

    it('refuses 100 credentials before checking any signature (at most 20)', async () => {
      const vc = await issueJwtVc(issuer, holder.did);
      const reply = await verify(await vpFor(Array.from({ length: 100 }, () => vc)));
      expectRejected(reply, 'presentation.malformed');
      expect(reply.body.errors[0].detail).toMatch(/at most 20/);
    });

    it('lists every failed check at once, each with the path of its credential', async () => {
      const { challenge: nonce } = await challenge();
      const bad = [
        await issueJwtVc(stranger, holder.did),
        await issueJwtVc(issuer, holder.did, { exp: now() - 3600, nbf: now() - 7200, types: ['LibraryCard'] }),
      ];
      const reply = await verify(await presentJwtVp(holder, bad, { nonce, aud: 'https://evil.example' }));
      expectProblem(reply, 422, 'presentation.rejected');
      expect(reply.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'audience.mismatch', path: 'presentation' }),
          expect.objectContaining({ code: 'credential.expired', path: 'credentials[1]' }),
          expect.objectContaining({ code: 'credential.issuer_untrusted', path: 'credentials[0]' }),
          expect.objectContaining({ code: 'policy.unsatisfied', path: 'presentation' }),
        ]),
      );
    });

    it('refuses an expired VC-DM 2.0 credential (validUntil)', async () => {
      const { challenge: nonce, domain } = await challenge('employee-portal-v2');
      const vc = await issueVcJwtV2(issuer, holder.did, { validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' });
      const reply = await verify(await presentVpJwtV2(holder, [vc], { nonce, aud: domain }), 'employee-portal-v2');
      expect(codesOf(reply)).toEqual(expect.arrayContaining(['credential.expired']));
    });
  });

  describe('vpToken: several presentations answering one challenge', () => {
    const badge = (): Promise<string> => issueJwtVc(issuer, holder.did, { types: ['BadgeCredential'], claims: { badge: 'B-7' } });
    const verifyVpToken = (vpToken: unknown, policy = 'employee-and-badge'): Promise<Reply> =>
      kparty.request('POST', '/v1/presentations/verify', { body: { policy, vpToken } });
    const present = async (nonce: string, credentials: string[]): Promise<string> => presentJwtVp(holder, credentials, { nonce, aud: AUDIENCE });

    it('verifies two presentations answering one challenge, which is consumed once', async () => {
      const { challenge: nonce } = await challenge('employee-and-badge');
      const vpToken = { employee: [await present(nonce, [await issueJwtVc(issuer, holder.did)])], badge: [await present(nonce, [await badge()])] };
      const reply = await verifyVpToken(vpToken);
      expect(reply.status).toBe(200);
      expect(reply.body.holder).toBe(holder.did);
      expect(reply.body.credentials.map((c: { type: string[] }) => c.type[1])).toEqual(['EmployeeCredential', 'BadgeCredential']);
      expect(reply.body.credentials[1].claims).toEqual({ credentialSubject: { badge: 'B-7' } });
      const replay = await verifyVpToken(vpToken);
      expectRejected(replay, 'challenge.unknown');
      expect(replay.body.errors[0].path).toBe('vpToken.employee[0]');
    });

    it('refuses presentations answering different challenges, naming the one that differs', async () => {
      const first = (await challenge('employee-and-badge')).challenge;
      const second = (await challenge('employee-and-badge')).challenge;
      const reply = await verifyVpToken({
        employee: [await present(first, [await issueJwtVc(issuer, holder.did)])],
        badge: [await present(second, [await badge()])],
      });
      expectProblem(reply, 422, 'presentation.rejected');
      expect(reply.body.errors).toContainEqual(expect.objectContaining({ code: 'challenge.unknown', path: 'vpToken.badge[0]' }));
    });

    it('refuses presentations of two holders when the policy names no session.subjectFrom', async () => {
      const { challenge: nonce } = await challenge('employee-and-badge');
      const strangersBadge = await presentJwtVp(stranger, [await issueJwtVc(issuer, stranger.did, { types: ['BadgeCredential'], claims: { badge: 'B-9' } })], {
        nonce,
        aud: AUDIENCE,
      });
      const reply = await verifyVpToken({ employee: [await present(nonce, [await issueJwtVc(issuer, holder.did)])], badge: [strangersBadge] });
      expectRejected(reply, 'presentation.holder_mismatch');
    });

    it('answers request.invalid for both presentation and vpToken, an empty vpToken, or a key that is no query id', async () => {
      const vp = await vpFor();
      expectProblem(
        await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'employee-portal', presentation: vp, vpToken: { employee: [vp] } } }),
        400,
        'request.invalid',
      );
      expectProblem(await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'employee-portal', vpToken: {} } }), 400, 'request.invalid');
      expectProblem(
        await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'employee-portal', vpToken: { employee: [] } } }),
        400,
        'request.invalid',
      );
      expectProblem(
        await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'employee-portal', vpToken: { 'no such': [vp] } } }),
        400,
        'request.invalid',
      );
    });

    it('refuses a vpToken key naming no query of the policy', async () => {
      const reply = await verifyVpToken({ nosuch: [await vpFor(undefined, { policy: 'employee-and-badge' })] });
      expectRejected(reply, 'presentation.malformed');
    });
  });

  describe('malformed and hostile input', () => {
    it.each([
      ['a plain string', 'hello'],
      ['three garbage parts', 'a.b.c'],
      ['a JWT whose payload is not JSON', `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from('nope').toString('base64url')}.sig`],
      ['a JWT without vp claim', `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from('{"iss":"did:key:x"}').toString('base64url')}.sig`],
      ['a 900 KB string', 'x'.repeat(900_000)],
    ])('answers presentation.malformed for %s', async (_label, presentation) => {
      expectRejected(await verify(presentation), 'presentation.malformed');
    });

    it('answers credential.malformed for an SD-JWT without typ; a JSON-LD object is read as ldp_vp (malformed here)', async () => {
      expectRejected(await verify('eyJhbGciOiJFUzI1NiJ9.e30.sig~WyJzYWx0IiwibmFtZSIsInYiXQ~'), 'credential.malformed');
      expectRejected(await verify({ '@context': [], type: ['VerifiablePresentation'], proof: {} }), 'presentation.malformed');
    });

    it('answers presentation.format_unsupported for an mdoc DeviceResponse, saying to use OpenID4VP', async () => {
      // The Paradym Wallet's OpenID4VP 1.0 DeviceResponse (test/vectors/mdoc/README.md).
      const vector = readFileSync(new URL('../vectors/mdoc/mdoc-ts/animo-mdoc-05/deviceResponse.ts.txt', import.meta.url), 'utf8');
      const deviceResponse = (/\(\s*'([A-Za-z0-9_-]+)'\s*\)/.exec(vector) as RegExpExecArray)[1];
      const reply = await verify(deviceResponse);
      expectRejected(reply, 'presentation.format_unsupported');
      expect(JSON.stringify(reply.body)).toContain('OpenID4VP');
    });

    it('answers request.invalid for a missing or mistyped presentation and 404 for an unknown policy', async () => {
      expectProblem(await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'employee-portal' } }), 400, 'request.invalid');
      expectProblem(
        await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'employee-portal', presentation: 42 } }),
        400,
        'request.invalid',
      );
      expectProblem(await verify(await vpFor(), 'no-such-policy'), 404, 'policy.not_found');
    });

    it('reports did.unresolvable for a malformed issuer DID, without crashing', async () => {
      const vp = await vpFor([await issueJwtVc({ ...issuer, did: 'did:key:%%%' }, holder.did)]);
      const reply = await verify(vp);
      expect(codesOf(reply)).toEqual(expect.arrayContaining(['did.unresolvable']));
      expect((await kparty.request('GET', '/healthz')).status).toBe(200);
    });

    it('reports did.method_unsupported for an issuer on an unknown DID method', async () => {
      const vp = await vpFor([await issueJwtVc({ ...issuer, did: 'did:example:123', kid: 'did:example:123#key-1' }, holder.did)]);
      expect(codesOf(await verify(vp))).toEqual(expect.arrayContaining(['did.method_unsupported']));
    });
  });

  describe('metrics', () => {
    it('counts decisions and failed check codes at GET /metrics, with bounded labels only', async () => {
      expect((await verify(await vpFor())).status).toBe(200);
      expectRejected(await verify(await vpFor(undefined, { aud: 'https://evil.example' })), 'audience.mismatch');
      await kparty.request('GET', '/v1/admin/policies/some-secret-policy-id', { key: rpKey });
      const reply = await kparty.request('GET', '/metrics');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
      const value = (line: RegExp): number =>
        Number(
          reply.text
            .split('\n')
            .find((l) => line.test(l))
            ?.split(' ')
            .pop(),
        );
      expect(value(/^kparty_verification_decisions_total\{outcome="accepted"\}/)).toBeGreaterThanOrEqual(1);
      expect(value(/^kparty_verification_decisions_total\{outcome="rejected"\}/)).toBeGreaterThanOrEqual(1);
      expect(value(/^kparty_verification_failed_checks_total\{code="audience.mismatch"\}/)).toBeGreaterThanOrEqual(1);
      expect(reply.text).toMatch(/kparty_http_request_duration_seconds_count\{method="POST",route="\/v1\/presentations\/verify",status="200"\} \d+/);
      expect(reply.text).toMatch(/route="\/v1\/admin\/policies\/:id"/);
      expect(reply.text).not.toContain('some-secret-policy-id');
      expect(reply.text).toMatch(/^kparty_process_cpu_seconds_total /m);
    });
  });

  describe('audit', () => {
    it('records every decision for the relying party, with codes and no credentials', async () => {
      const accepted = await vpFor();
      expect((await verify(accepted)).status).toBe(200);
      expectRejected(await verify(await vpFor(undefined, { aud: 'https://evil.example' })), 'audience.mismatch');
      const reply = await kparty.request('GET', '/v1/admin/audit?limit=200', { key: rpKey });
      expect(reply.status).toBe(200);
      const outcomes = new Set(reply.body.events.map((e: { outcome: string }) => e.outcome));
      expect(outcomes).toEqual(new Set(['accepted', 'rejected']));
      const rejected = reply.body.events.find((e: { codes: string[] }) => e.codes.includes('audience.mismatch'));
      expect(rejected).toMatchObject({ policy: 'employee-portal', outcome: 'rejected', holder: holder.did });
      // No presentation, credential or claim value is kept: only who, what, and the codes.
      const [vpHeader, vpPayload] = accepted.split('.');
      expect(reply.text).not.toContain(vpPayload);
      expect(reply.text).not.toContain(`${vpHeader}.`);
      expect(reply.text).not.toContain('alice@example.com');
    });
  });
});
