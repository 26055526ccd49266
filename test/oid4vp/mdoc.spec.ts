/**
 * mso_mdoc end to end over OpenID4VP 1.0: the wallet is @openid4vc/openid4vp's
 * Openid4vpClient (resolve → create response → submit, direct_post.jwt and
 * direct_post), the mdoc is issued and presented with @owf/mdoc's own
 * Issuer / DeviceSignedBuilder under an IACA generated here and put in
 * KPARTY_TRUST_ANCHORS. The session transcript the device signs is
 * @owf/mdoc's (SessionTranscript.forOid4Vp), not kparty's.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { DeviceKeyInfo, IssuerNamespaces, IssuerSigned, Sign1, ValidityInfo, ValueDigests, cborEncode } from '@owf/mdoc';
import {
  MDL_DOCTYPE,
  MDL_NAMESPACE,
  issue,
  makeDeviceKey,
  makeDocumentSigner,
  makeIaca,
  nodeMdocContext,
  present,
  signRawMso,
  type DeviceKeyPair,
  type TestCertificate,
  type WalletRequest,
} from '../../src/formats/mdoc/__fixtures__/mdoc-test-bed.js';
import { serveOnLoopback, type LoopbackServer } from '../net/loopback-server.js';
import { startInProcessKparty, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken, type ResolvedRequest } from '../support/oid4vp-wallet.js';

const MDL_POLICY = {
  id: 'mdl-age',
  audience: 'https://shop.example',
  credentials: [
    {
      id: 'mdl',
      format: 'mso_mdoc',
      meta: { doctype_value: MDL_DOCTYPE },
      claims: [
        { path: [MDL_NAMESPACE, 'family_name'], intent_to_retain: false },
        { path: [MDL_NAMESPACE, 'age_over_18'], values: [true] },
      ],
      trustedIssuers: ['*'],
      status: 'ignore',
    },
  ],
  session: { claims: { family_name: ['mdl', MDL_NAMESPACE, 'family_name'] } },
};

let anchors: string;
let iaca: TestCertificate;
let signer: TestCertificate;
let device: DeviceKeyPair;
let kp: InProcessKparty;
let rpKey: string;
let statusServer: LoopbackServer;
/** The Status List Token (CWT) the loopback status server answers with. */
let statusListCwt = new Uint8Array();

beforeAll(async () => {
  iaca = await makeIaca({ name: 'e2e IACA' });
  signer = await makeDocumentSigner(iaca);
  device = makeDeviceKey();
  anchors = mkdtempSync(join(tmpdir(), 'kparty-iaca-'));
  writeFileSync(join(anchors, 'iaca.pem'), new X509Certificate(iaca.der).toString());
  statusServer = await serveOnLoopback((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/statuslist+cwt' }).end(Buffer.from(statusListCwt));
  });
  kp = await startInProcessKparty({ KPARTY_TRUST_ANCHORS: anchors, KPARTY_OUTBOUND_ALLOW: statusServer.authority });
  rpKey = await kp.relyingParty('shop', { audiences: ['https://shop.example'] });
  const put = await kp.request('PUT', `/v1/admin/policies/${MDL_POLICY.id}`, { key: rpKey, body: MDL_POLICY });
  expect(put.status).toBe(201);
  const statusPolicy = { ...MDL_POLICY, id: 'mdl-status', credentials: [{ ...MDL_POLICY.credentials[0], claims: undefined, status: 'required' }], session: {} };
  expect((await kp.request('PUT', '/v1/admin/policies/mdl-status', { key: rpKey, body: statusPolicy })).status).toBe(201);
});

afterAll(async () => {
  await kp.close();
  await statusServer.close();
  rmSync(anchors, { recursive: true, force: true });
});

/** What the wallet binds its DeviceAuthentication to: the request's client_id, nonce, response_uri and, for direct_post.jwt, the encryption key's thumbprint. */
async function walletRequest(request: ResolvedRequest): Promise<WalletRequest> {
  const metadata = request.payload.client_metadata as { jwks?: { keys: JWK[] } } | undefined;
  const key = metadata?.jwks?.keys[0];
  const encrypted = request.payload.response_mode === 'direct_post.jwt';
  return {
    clientId: request.payload.client_id,
    nonce: request.payload.nonce,
    responseUri: request.payload.response_uri as string,
    ...(encrypted && key ? { jwkThumbprint: new Uint8Array(Buffer.from(await calculateJwkThumbprint(key, 'sha256'), 'base64url')) } : {}),
  };
}

async function openRequest(body: Record<string, unknown> = {}): Promise<{ id: string; request: ResolvedRequest }> {
  const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: MDL_POLICY.id, ...body } });
  expect(created.status).toBe(201);
  expect(created.status).toBe(201);
  return { id: created.body.id, request: await resolveRequest(created.body.requestUri) };
}

describe('mso_mdoc over OpenID4VP 1.0 (Openid4vpClient + @owf/mdoc)', () => {
  it('offers mso_mdoc in client_metadata and hands the DCQL doctype_value and intent_to_retain to the wallet', async () => {
    const { request } = await openRequest();
    const clientMetadata = request.payload.client_metadata as { vp_formats_supported: Record<string, unknown> };
    expect(clientMetadata.vp_formats_supported.mso_mdoc).toEqual({
      issuerauth_alg_values: expect.arrayContaining([-7]),
      deviceauth_alg_values: expect.arrayContaining([-7]),
    });
    const dcql = request.payload.dcql_query as { credentials: Array<Record<string, unknown>> };
    expect(dcql.credentials[0]).toMatchObject({ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: MDL_DOCTYPE } });
    expect((dcql.credentials[0]?.claims as Array<Record<string, unknown>>)[0]).toMatchObject({ intent_to_retain: false });
  });

  it.each(['direct_post.jwt', 'direct_post'])('verifies an mDL sent with %s: holder = device key, claims, session', async (responseMode) => {
    const { id, request } = await openRequest({ responseMode });
    expect(request.payload.response_mode).toBe(responseMode);
    const deviceResponse = await present(await issue({ signer, device }), device, await walletRequest(request));
    expect((await submitVpToken(request, { mdl: [deviceResponse] })).status).toBe(200);
    const outcome = await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey });
    expect(outcome.body.status).toBe('verified');
    expect(outcome.body.result.holder).toMatch(/^urn:ietf:params:oauth:jwk-thumbprint:sha-256:/);
    expect(outcome.body.result.credentials[0]).toMatchObject({
      format: 'mso_mdoc',
      issuer: expect.stringMatching(/^x509_hash:/),
      type: [MDL_DOCTYPE],
      claims: { [MDL_NAMESPACE]: { family_name: 'Mustermann', age_over_18: true } },
    });
  });

  it.each<[string, (r: WalletRequest) => WalletRequest]>([
    ['another nonce', (r) => ({ ...r, nonce: 'another-nonce-0123456789abcdefghijk' })],
    ['another client_id', (r) => ({ ...r, clientId: 'x509_san_dns:evil.example' })],
    ['another response_uri', (r) => ({ ...r, responseUri: 'https://evil.example/response' })],
    ['no encryption-key thumbprint although the response is encrypted', ({ jwkThumbprint: _dropped, ...r }) => r],
  ])('rejects a DeviceResponse whose device signature covers %s (presentation.signature_invalid)', async (_name, change) => {
    const { id, request } = await openRequest();
    const deviceResponse = await present(await issue({ signer, device }), device, change(await walletRequest(request)));
    expect((await submitVpToken(request, { mdl: [deviceResponse] })).status).toBe(200);
    const outcome = await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey });
    expect(outcome.body.status).toBe('rejected');
    expect(outcome.body.errors.map((e: { code: string }) => e.code)).toContain('presentation.signature_invalid');
  });

  it('rejects an mDL whose IACA is not a trust anchor (credential.issuer_untrusted)', async () => {
    const { id, request } = await openRequest();
    const stranger = await makeDocumentSigner(await makeIaca({ name: 'stranger IACA' }));
    const deviceResponse = await present(await issue({ signer: stranger, device }), device, await walletRequest(request));
    expect((await submitVpToken(request, { mdl: [deviceResponse] })).status).toBe(200);
    const outcome = await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey });
    expect(outcome.body.status).toBe('rejected');
    expect(outcome.body.errors.map((e: { code: string }) => e.code)).toContain('credential.issuer_untrusted');
  });

  it('rejects a CBOR bomb as presentation.malformed (no 500)', async () => {
    const { id, request } = await openRequest();
    const bomb = Buffer.from([0xa1, 0x67, ...Buffer.from('version'), ...new Array(100).fill(0x81), 0]).toString('base64url');
    expect((await submitVpToken(request, { mdl: [bomb] })).status).toBeLessThan(500);
    const outcome = await kp.request('GET', `/v1/oid4vp/requests/${id}`, { key: rpKey });
    expect(outcome.body.status).toBe('rejected');
    expect(outcome.body.errors.map((e: { code: string }) => e.code)).toContain('presentation.malformed');
  });

  describe('MSO status through a Token Status List in CWT form', () => {
    const statusUri = (): string => `${statusServer.origin}/status/1`;

    /** A Status List Token (CWT, tag 18) signed by the document signer with its x5chain; index 3 revoked, 5 suspended. */
    async function publishList(): Promise<void> {
      const list = new Uint8Array(16);
      list[0] = 0b01 << 6; // index 3 (2 bits each, least significant first): 0x01 INVALID
      list[1] = 0b10 << 2; // index 5: 0x02 SUSPENDED
      const claims = new Map<number, unknown>([
        [2, statusUri()],
        [6, Math.floor(Date.now() / 1000) - 60],
        [65534, 60],
        [
          65533,
          new Map<string, unknown>([
            ['bits', 2],
            ['lst', new Uint8Array(deflateSync(list))],
          ]),
        ],
      ]);
      const sign1 = await Sign1.create(
        {
          protectedHeaders: new Map<number, unknown>([
            [1, -7],
            [16, 'application/statuslist+cwt'],
          ]),
          unprotectedHeaders: new Map<number, unknown>([[33, [signer.der]]]),
          payload: cborEncode(claims),
          signingKey: signer.coseKey,
        } as unknown as Parameters<typeof Sign1.create>[0],
        nodeMdocContext,
      );
      statusListCwt = new Uint8Array([0xd2, ...sign1.encode()]);
    }

    async function mdlWithStatus(idx: number): Promise<IssuerSigned> {
      const now = Date.now();
      const mso = new Map<string, unknown>([
        ['version', '1.0'],
        ['digestAlgorithm', 'SHA-256'],
        ['valueDigests', ValueDigests.create({ digests: new Map() }).encodedStructure],
        ['deviceKeyInfo', DeviceKeyInfo.create({ deviceKey: device.publicKey }).encodedStructure],
        ['docType', MDL_DOCTYPE],
        [
          'validityInfo',
          ValidityInfo.create({ signed: new Date(now - 60_000), validFrom: new Date(now - 60_000), validUntil: new Date(now + 86_400_000) }).encodedStructure,
        ],
        [
          'status',
          new Map([
            [
              'status_list',
              new Map<string, unknown>([
                ['idx', idx],
                ['uri', statusUri()],
              ]),
            ],
          ]),
        ],
      ]);
      return IssuerSigned.create({ issuerNamespaces: IssuerNamespaces.create({ issuerNamespaces: new Map() }), issuerAuth: await signRawMso(mso, signer) });
    }

    it.each<[number, string, string | undefined]>([
      [0, 'verified', undefined],
      [3, 'rejected', 'credential.revoked'],
      [5, 'rejected', 'credential.suspended'],
    ])('index %i → %s', async (idx, status, code) => {
      await publishList();
      const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'mdl-status' } });
      const request = await resolveRequest(created.body.requestUri);
      const deviceResponse = await present(await mdlWithStatus(idx), device, await walletRequest(request), { docType: MDL_DOCTYPE });
      expect((await submitVpToken(request, { mdl: [deviceResponse] })).status).toBe(200);
      const outcome = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
      expect(outcome.body.status).toBe(status);
      if (code) expect(outcome.body.errors.map((e: { code: string }) => e.code)).toContain(code);
      else expect(outcome.body.result.credentials[0].status).toBe('valid');
      expect(statusServer.requests.length).toBeGreaterThan(0);
    });
  });
});
