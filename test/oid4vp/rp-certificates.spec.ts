/**
 * A relying party with its own request-signing certificate
 * (KPARTY_OID4VP_RP_CERTIFICATES, operator-managed): its requests are signed
 * under its own x509_hash client id; other relying parties keep the
 * deployment's identity. Wallet: Openid4vpClient.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/core/config.js';
import { loadRelyingPartyIdentities } from '../../src/oid4vp/create-client-identity.js';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, p256Identity } from '../support/identities.js';
import { startInProcessKparty, trustingPolicy, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken } from '../support/oid4vp-wallet.js';
import { makeRequestSigningChain } from '../support/x509-chain.js';

const issuer = ed25519Identity();
const holder = p256Identity();

describe('relying parties with their own request-signing certificate', () => {
  let dir: string;
  let leafHash: string;
  let kp: InProcessKparty;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kparty-rp-certs-'));
    const chain = await makeRequestSigningChain(['acme.example']);
    copyFileSync(chain.chainFile, join(dir, 'acme.chain.pem'));
    copyFileSync(chain.keyFile, join(dir, 'acme.key.pem'));
    writeFileSync(join(dir, 'README.txt'), 'not a certificate: ignored');
    leafHash = createHash('sha256').update(chain.leafDer).digest('base64url');
    kp = await startInProcessKparty({ KPARTY_OID4VP_RP_CERTIFICATES: dir });
    for (const id of ['acme', 'globex']) {
      // Each relying party owns its own audience (an audience belongs to one relying party).
      keys[id] = await kp.relyingParty(id, { audiences: [`https://${id}.example.com`] });
      const policy = { ...trustingPolicy(`${id}-employee`, issuer.did), audience: `https://${id}.example.com` };
      expect((await kp.request('PUT', `/v1/admin/policies/${id}-employee`, { key: keys[id], body: policy })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await kp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['acme', () => `x509_hash:${leafHash}`],
    ['globex', () => expect.stringMatching(/^decentralized_identifier:did:web:localhost%3A\d+$/) as unknown as string],
  ])('%s: requests are signed under its client id and verify end to end', async (id, clientId) => {
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: keys[id], body: { policy: `${id}-employee` } });
    const request = await resolveRequest(created.body.requestUri);
    expect(request.payload.client_id).toEqual(clientId());
    const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: request.payload.nonce, aud: request.payload.client_id });
    expect((await submitVpToken(request, { [`employee`]: [vp] })).status).toBe(200);
    expect((await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: keys[id] })).body.status).toBe('verified');
  });

  it('start-up refuses a relying party with a chain but no key, or an unreadable folder, naming the variable', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'kparty-rp-certs-'));
    try {
      copyFileSync(join(dir, 'acme.chain.pem'), join(broken, 'acme.chain.pem'));
      await expect(loadRelyingPartyIdentities(loadConfig({ KPARTY_OID4VP_RP_CERTIFICATES: broken }))).rejects.toThrow(
        /KPARTY_OID4VP_RP_CERTIFICATES: relying party "acme" needs both/,
      );
      copyFileSync(join(dir, 'acme.chain.pem'), join(broken, 'acme.key.pem'));
      await expect(loadRelyingPartyIdentities(loadConfig({ KPARTY_OID4VP_RP_CERTIFICATES: broken }))).rejects.toThrow(
        /KPARTY_OID4VP_RP_CERTIFICATES: relying party "acme"/,
      );
      await expect(loadRelyingPartyIdentities(loadConfig({ KPARTY_OID4VP_RP_CERTIFICATES: join(broken, 'missing') }))).rejects.toThrow(
        /KPARTY_OID4VP_RP_CERTIFICATES: cannot read/,
      );
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
