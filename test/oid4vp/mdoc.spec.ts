/**
 * mso_mdoc over OpenID4VP 1.0: an mDL issued and presented with @owf/mdoc
 * (its Issuer, DeviceSignedBuilder and SessionTranscript.forOid4Vp — the test
 * bed of src/formats/mdoc), answering a request resolved by Openid4vpClient.
 * The device signature covers the OpenID4VP 1.0 handover (Appendix B.2.6.1)
 * built from this request's client_id, nonce, response_uri and — for
 * direct_post.jwt — the thumbprint of its encryption key: kparty's
 * SubmissionBinding must give the verifier the very same inputs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, type JWK } from 'jose';
import {
  issue,
  makeDeviceKey,
  makeDocumentSigner,
  makeIaca,
  MDL_DOCTYPE,
  MDL_NAMESPACE,
  present,
  type DeviceKeyPair,
  type TestCertificate,
} from '../../src/formats/mdoc/__fixtures__/mdoc-test-bed.js';
import { startInProcessKparty, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken, type ResolvedRequest } from '../support/oid4vp-wallet.js';

const pem = (der: Uint8Array): string => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

describe('mso_mdoc over OpenID4VP with Openid4vpClient and @owf/mdoc', () => {
  let anchors: string;
  let kp: InProcessKparty;
  let rpKey: string;
  let signer: TestCertificate;
  let device: DeviceKeyPair;

  beforeAll(async () => {
    const iaca = await makeIaca();
    signer = await makeDocumentSigner(iaca);
    device = makeDeviceKey();
    anchors = mkdtempSync(join(tmpdir(), 'kparty-iaca-'));
    writeFileSync(join(anchors, 'iaca.pem'), pem(iaca.der));
    kp = await startInProcessKparty({ KPARTY_TRUST_ANCHORS: anchors });
    rpKey = await kp.relyingParty('acme');
    const policy = {
      id: 'mdl',
      audience: 'https://car-rental.example.com',
      credentials: [
        {
          id: 'mdl',
          format: 'mso_mdoc',
          meta: { doctype_value: MDL_DOCTYPE },
          claims: [{ path: [MDL_NAMESPACE, 'family_name'] }, { path: [MDL_NAMESPACE, 'age_over_18'], values: [true] }],
          trustedIssuers: ['*'],
          status: 'ignore',
        },
      ],
      session: { claims: { family_name: ['mdl', MDL_NAMESPACE, 'family_name'] } },
    };
    const put = await kp.request('PUT', '/v1/admin/policies/mdl', { key: rpKey, body: policy });
    expect(put.status).toBe(201);
  });
  afterAll(async () => {
    await kp.close();
    rmSync(anchors, { recursive: true, force: true });
  });

  async function start(responseMode: 'direct_post' | 'direct_post.jwt'): Promise<{ id: string; request: ResolvedRequest }> {
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'mdl', responseMode } });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, request: await resolveRequest(created.body.requestUri) };
  }

  /** The wallet's transcript inputs, read from the resolved request as a wallet reads them. */
  async function walletRequest(request: ResolvedRequest, overrides: { nonce?: string } = {}) {
    const key = (request.payload.client_metadata as { jwks?: { keys: JWK[] } }).jwks?.keys[0];
    return {
      clientId: request.payload.client_id,
      nonce: overrides.nonce ?? request.payload.nonce,
      responseUri: request.payload.response_uri!,
      ...(request.payload.response_mode === 'direct_post.jwt' && key ? { jwkThumbprint: new Uint8Array(Buffer.from(await calculateJwkThumbprint(key, 'sha256'), 'base64url')) } : {}),
    };
  }

  for (const responseMode of ['direct_post', 'direct_post.jwt'] as const) {
    it(`${responseMode}: an mDL DeviceResponse bound to this request's SessionTranscript verifies`, async () => {
      const { id, request } = await start(responseMode);
      expect(Object.keys((request.payload.client_metadata as { vp_formats_supported: object }).vp_formats_supported)).toContain('mso_mdoc');
      const deviceResponse = await present(await issue({ signer, device }), device, await walletRequest(request));
      expect((await submitVpToken(request, { mdl: [deviceResponse] })).status).toBe(200);
      const outcome = await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey });
      expect(outcome.body.status).toBe('verified');
      expect(outcome.body.result.credentials[0].format).toBe('mso_mdoc');
      expect(outcome.body.result.holder).toMatch(/^urn:ietf:params:oauth:jwk-thumbprint:sha-256:/);
    });
  }

  it('a device signature over another nonce, or without the encryption key thumbprint, is refused (presentation.signature_invalid)', async () => {
    for (const transcript of [
      async (r: ResolvedRequest) => walletRequest(r, { nonce: 'another-nonce-0123456789abcdef' }),
      async (r: ResolvedRequest) => {
        const { jwkThumbprint: _dropped, ...rest } = await walletRequest(r);
        return rest;
      },
    ]) {
      const { id, request } = await start('direct_post.jwt');
      const deviceResponse = await present(await issue({ signer, device }), device, await transcript(request));
      expect((await submitVpToken(request, { mdl: [deviceResponse] })).status).toBe(200);
      const outcome = await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey });
      expect(outcome.body.status).toBe('rejected');
      expect(outcome.body.errors.map((e: { code: string }) => e.code)).toContain('presentation.signature_invalid');
    }
  });
});
