import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, p256Identity } from '../support/identities.js';
import { startInProcessKparty, trustingPolicy, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken } from '../support/oid4vp-wallet.js';
import { makeRequestSigningChain } from '../support/x509-chain.js';

const issuer = ed25519Identity();
const holder = p256Identity();

interface Prefix {
  name: string;
  env: () => Promise<Record<string, string>>;
  clientId: (kp: InProcessKparty) => RegExp | string;
}

let leafHash = '';
const PREFIXES: Prefix[] = [
  { name: 'decentralized_identifier (zero configuration)', env: async () => ({}), clientId: () => /^decentralized_identifier:did:web:localhost%3A\d+$/ },
  {
    name: 'x509_san_dns',
    env: async () => {
      const chain = await makeRequestSigningChain(['localhost']);
      return { KPARTY_OID4VP_CLIENT_ID_PREFIX: 'x509_san_dns', KPARTY_OID4VP_X509_CHAIN: chain.chainFile, KPARTY_OID4VP_X509_KEY: chain.keyFile };
    },
    clientId: () => 'x509_san_dns:localhost',
  },
  {
    name: 'x509_hash (the default once a certificate is configured)',
    env: async () => {
      const chain = await makeRequestSigningChain(['verifier.example'], { includeRoot: false });
      leafHash = createHash('sha256').update(chain.leafDer).digest('base64url');
      return { KPARTY_OID4VP_X509_CHAIN: chain.chainFile, KPARTY_OID4VP_X509_KEY: chain.keyFile };
    },
    clientId: () => `x509_hash:${leafHash}`,
  },
  {
    name: 'redirect_uri (unsigned, request by value)',
    env: async () => ({ KPARTY_OID4VP_CLIENT_ID_PREFIX: 'redirect_uri' }),
    clientId: (kp) => new RegExp(`^redirect_uri:${kp.baseUrl.replace(/[.]/g, '\\.')}/v1/oid4vp/responses/[A-Za-z0-9_-]+$`),
  },
];

for (const prefix of PREFIXES) {
  describe(`OpenID4VP 1.0 with Openid4vpClient as the wallet: ${prefix.name}`, () => {
    let kp: InProcessKparty;
    let rpKey: string;

    beforeAll(async () => {
      kp = await startInProcessKparty(await prefix.env());
      rpKey = await kp.relyingParty('acme');
      expect((await kp.request('PUT', '/v1/admin/policies/employee', { key: rpKey, body: trustingPolicy('employee', issuer.did) })).status).toBe(201);
    });
    afterAll(async () => kp.close());

    for (const responseMode of ['direct_post', 'direct_post.jwt'] as const) {
      it(`cross-device, ${responseMode}: create → request → response → GET result, released once`, async () => {
        const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee', responseMode } });
        expect(created.status).toBe(201);
        expect(created.body.pageUrl).toBe(`${kp.baseUrl}/oid4vp/${created.body.id}`);
        const request = await resolveRequest(created.body.requestUri);
        expect(request.payload.client_id).toMatch(prefix.clientId(kp));
        expect(request.payload.response_mode).toBe(responseMode);
        const vc = await issueJwtVc(issuer, holder.did);
        const vp = await presentJwtVp(holder, [vc], { nonce: request.payload.nonce, aud: request.payload.client_id });
        const answer = await submitVpToken(request, { employee: [vp] });
        expect(answer.status).toBe(200);
        expect(await answer.json()).toEqual({});
        const outcome = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
        expect(outcome.body).toMatchObject({ id: created.body.id, policy: 'employee', flow: 'cross_device', status: 'verified' });
        expect(outcome.body.result.holder).toBe(holder.did);
        expect(outcome.body.result.credentials[0].claims).toEqual({ credentialSubject: { role: 'staff', email: 'alice@example.com' } });
        expect(outcome.body.result.session.token).toEqual(expect.any(String));
        const again = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
        expect(again.body.status).toBe('verified');
        expect(again.body.result).toBeUndefined();
      });

      it(`same-device, ${responseMode}: the wallet gets redirect_uri#response_code; the result is released only with that code`, async () => {
        const created = await kp.request('POST', '/v1/oid4vp/requests', {
          key: rpKey,
          body: { policy: 'employee', responseMode, flow: 'same_device', redirectUri: 'https://shop.example.com/done' },
        });
        expect(created.status).toBe(201);
        const request = await resolveRequest(created.body.requestUri);
        const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: request.payload.nonce, aud: request.payload.client_id });
        const answer = await submitVpToken(request, { employee: [vp] });
        expect(answer.status).toBe(200);
        const { redirect_uri: redirectUri } = (await answer.json()) as { redirect_uri: string };
        expect(redirectUri).toMatch(/^https:\/\/shop\.example\.com\/done#response_code=[A-Za-z0-9_-]{43}$/);
        const code = redirectUri.split('#response_code=')[1]!;
        const withoutCode = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
        expect(withoutCode.body.status).toBe('verified');
        expect(withoutCode.body.result).toBeUndefined();
        const wrongCode = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}?response_code=${'A'.repeat(43)}`, { key: rpKey });
        expect(wrongCode.status).toBe(403);
        expect(wrongCode.body.code).toBe('oid4vp.response_code_invalid');
        const withCode = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}?response_code=${code}`, { key: rpKey });
        expect(withCode.body.result.holder).toBe(holder.did);
      });
    }
  });
}
