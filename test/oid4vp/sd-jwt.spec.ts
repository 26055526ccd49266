/**
 * dc+sd-jwt over OpenID4VP 1.0: issuer and holder are @sd-jwt/sd-jwt-vc (the
 * OpenWallet Foundation implementation), the wallet is Openid4vpClient. The
 * KB-JWT must carry this request's nonce and full client_id; the OIDF
 * verifier test plan's KB-JWT modules are each refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompactSign, decodeJwt, importJWK, type JWK } from 'jose';
import { p256Identity } from '../support/identities.js';
import { startInProcessKparty, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken, type ResolvedRequest } from '../support/oid4vp-wallet.js';
import { es256KeyPair, issueSdJwtVc, presentSdJwtVc, type KeyPair } from '../support/sd-jwt.js';

const VCT = 'urn:eudi:pid:1';
const now = (): number => Math.floor(Date.now() / 1000);
const issuer = p256Identity();

describe('dc+sd-jwt over OpenID4VP with Openid4vpClient', () => {
  let kp: InProcessKparty;
  let rpKey: string;
  let holder: KeyPair;
  let credential: string;

  beforeAll(async () => {
    holder = await es256KeyPair();
    kp = await startInProcessKparty();
    rpKey = await kp.relyingParty('acme', { audiences: ['https://pid-portal.example.com'] });
    const policy = {
      id: 'pid',
      audience: 'https://pid-portal.example.com',
      credentials: [
        {
          id: 'pid',
          format: 'dc+sd-jwt',
          meta: { vct_values: [VCT] },
          claims: [{ path: ['given_name'] }, { path: ['age_equal_or_over', '18'], values: [true] }],
          trustedIssuers: [issuer.did],
          status: 'ignore',
        },
      ],
      holderBinding: 'required',
      session: { scope: 'pid', claims: { given_name: ['pid', 'given_name'] } },
    };
    expect((await kp.request('PUT', '/v1/admin/policies/pid', { key: rpKey, body: policy })).status).toBe(201);
    credential = await issueSdJwtVc({
      issuerKey: { publicJwk: issuer.publicJwk, privateJwk: issuer.privateJwk },
      header: { kid: issuer.kid },
      payload: {
        iss: issuer.did,
        iat: now() - 60,
        vct: VCT,
        cnf: { jwk: holder.publicJwk },
        given_name: 'Erika',
        family_name: 'Mustermann',
        age_equal_or_over: { '18': true },
      },
      frame: { _sd: ['given_name', 'family_name', 'age_equal_or_over'], age_equal_or_over: { _sd: ['18'] } },
    });
  });
  afterAll(async () => kp.close());

  async function start(responseMode: 'direct_post' | 'direct_post.jwt' = 'direct_post.jwt'): Promise<{ id: string; request: ResolvedRequest }> {
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'pid', responseMode } });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, request: await resolveRequest(created.body.requestUri) };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function outcome(id: string): Promise<{ status: string; codes: string[]; result?: Record<string, any> }> {
    const reply = await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey });
    return { status: reply.body.status, codes: (reply.body.errors ?? []).map((e: { code: string }) => e.code), result: reply.body.result };
  }

  const disclose = { given_name: true, age_equal_or_over: { '18': true } };

  for (const responseMode of ['direct_post', 'direct_post.jwt'] as const) {
    it(`${responseMode}: a selectively disclosed PID verifies; only disclosed claims reach the result`, async () => {
      const { id, request } = await start(responseMode);
      const dcql = request.payload.dcql_query as { credentials: Array<{ format: string }> };
      expect(dcql.credentials[0]!.format).toBe('dc+sd-jwt');
      expect(Object.keys((request.payload.client_metadata as { vp_formats_supported: object }).vp_formats_supported)).toContain('dc+sd-jwt');
      const presentation = await presentSdJwtVc(credential, {
        holderKey: holder,
        frame: disclose,
        nonce: request.payload.nonce,
        aud: request.payload.client_id,
        iat: now(),
      });
      expect((await submitVpToken(request, { pid: [presentation] })).status).toBe(200);
      const result = await outcome(id);
      expect(result.status).toBe('verified');
      expect(result.result!.credentials[0].claims).toEqual({ given_name: 'Erika', age_equal_or_over: { '18': true } });
      expect(JSON.stringify(result.result)).not.toContain('Mustermann');
    });
  }

  /** Presents with overrides, submits through the wallet, returns the failed check codes. */
  async function refusedCodes(present: (request: ResolvedRequest) => Promise<string>): Promise<string[]> {
    const { id, request } = await start();
    expect((await submitVpToken(request, { pid: [await present(request)] })).status).toBe(200);
    const result = await outcome(id);
    expect(result.status).toBe('rejected');
    expect(result.result).toBeUndefined();
    return result.codes;
  }

  /** Re-signs the KB-JWT of a presentation with `payload` changes, by the holder key (so only the changed member is wrong). */
  async function withKbJwt(
    presentation: string,
    change: (payload: Record<string, unknown>) => Record<string, unknown>,
    key: JWK = holder.privateJwk,
  ): Promise<string> {
    const cut = presentation.lastIndexOf('~');
    const kb = presentation.slice(cut + 1);
    const payload = change(decodeJwt(kb) as Record<string, unknown>);
    const resigned = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', typ: 'kb+jwt' })
      .sign(await importJWK(key, 'ES256'));
    return `${presentation.slice(0, cut + 1)}${resigned}`;
  }

  const valid = (request: ResolvedRequest): Promise<string> =>
    presentSdJwtVc(credential, { holderKey: holder, frame: disclose, nonce: request.payload.nonce, aud: request.payload.client_id, iat: now() });

  it('KB-JWT with an invalid signature (another key) is refused', async () => {
    const other = await es256KeyPair();
    expect(await refusedCodes(async (r) => withKbJwt(await valid(r), (p) => p, other.privateJwk))).toContain('sdjwt.key_binding_invalid');
  });

  it('KB-JWT with a wrong sd_hash is refused', async () => {
    expect(await refusedCodes(async (r) => withKbJwt(await valid(r), (p) => ({ ...p, sd_hash: 'A'.repeat(43) })))).toContain('sdjwt.key_binding_invalid');
  });

  it('KB-JWT with a wrong nonce is refused (challenge.unknown)', async () => {
    const codes = await refusedCodes((r) =>
      presentSdJwtVc(credential, { holderKey: holder, frame: disclose, nonce: 'another-nonce-0123456789abcdef0123', aud: r.payload.client_id, iat: now() }),
    );
    expect(codes).toContain('challenge.unknown');
  });

  it('KB-JWT with a wrong aud is refused (audience.mismatch)', async () => {
    const codes = await refusedCodes((r) =>
      presentSdJwtVc(credential, { holderKey: holder, frame: disclose, nonce: r.payload.nonce, aud: 'https://pid-portal.example.com', iat: now() }),
    );
    expect(codes).toContain('audience.mismatch');
  });

  it.each([
    ['in the past', -3600],
    ['in the future', 3600],
  ])('KB-JWT with iat %s is refused', async (_name, offset) => {
    const codes = await refusedCodes((r) =>
      presentSdJwtVc(credential, { holderKey: holder, frame: disclose, nonce: r.payload.nonce, aud: r.payload.client_id, iat: now() + offset }),
    );
    expect(codes).toContain('sdjwt.key_binding_invalid');
  });

  it('an invalid credential signature is refused (credential.signature_invalid)', async () => {
    const [jwt, ...rest] = credential.split('~');
    const [h, p, s] = jwt!.split('.');
    const tampered = [`${h}.${p}.${s!.slice(0, -2)}${s!.endsWith('AA') ? 'BB' : 'AA'}`, ...rest].join('~');
    const codes = await refusedCodes((r) =>
      presentSdJwtVc(tampered, { holderKey: holder, frame: disclose, nonce: r.payload.nonce, aud: r.payload.client_id, iat: now() }),
    );
    expect(codes).toContain('credential.signature_invalid');
  });
});
