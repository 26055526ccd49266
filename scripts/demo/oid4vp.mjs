// `npm run demo -- oid4vp`: the OpenID4VP 1.0 flow on this machine only
// (loopback, a temporary SQLite file). A relying party starts a request; the
// QR code a phone would scan is printed in the terminal; a wallet —
// @openid4vc/openid4vp's Openid4vpClient, with a credential made by
// did-jwt-vc — resolves it, presents with direct_post.jwt, and the relying
// party reads the verified result with its key. Exits 0 when every step
// behaves as expected, 1 otherwise. Development checkout only.
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setGlobalConfig } from '@openid4vc/oauth2';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { CompactEncrypt, importJWK, jwtVerify } from 'jose';
import QRCode from 'qrcode';
import { buildIfNeeded } from '../build-if-needed.mjs';
import { freePort, startProcess } from './processes.mjs';
import { createIdentity, issueEmployeeCredential } from './wallet.mjs';
import { createVerifiablePresentationJwt } from 'did-jwt-vc';
import { call, detail, runDemo, step, UnexpectedResult } from './steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const POLICY = 'employee-portal';
const DEADLINE_MS = 50_000;

/** The wallet's callbacks: jose and node:crypto; did:web resolved over http because the demo runs on loopback. */
function walletCallbacks() {
  return {
    fetch: (input, init) => fetch(input, init),
    hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    verifyJwt: async (signer, jwt) => {
      if (signer.method !== 'did') return { verified: false };
      const host = decodeURIComponent(signer.didUrl.slice('did:web:'.length).split('#')[0]);
      const document = await (await fetch(`http://${host}/.well-known/did.json`)).json();
      const method = document.verificationMethod.find((m) => m.id === signer.didUrl);
      if (!method) return { verified: false };
      try {
        await jwtVerify(jwt.compact, await importJWK(method.publicKeyJwk, signer.alg), { algorithms: [signer.alg], typ: 'oauth-authz-req+jwt' });
        return { verified: true, signerJwk: method.publicKeyJwk };
      } catch {
        return { verified: false };
      }
    },
    encryptJwe: async (encryptor, data) => {
      const jwe = await new CompactEncrypt(Buffer.from(data, 'utf8'))
        .setProtectedHeader({ alg: encryptor.alg, enc: encryptor.enc, kid: encryptor.publicJwk.kid, apu: encryptor.apu, apv: encryptor.apv })
        .encrypt(await importJWK(encryptor.publicJwk, encryptor.alg));
      return { encryptionJwk: encryptor.publicJwk, jwe };
    },
  };
}

async function demo(workDir, children) {
  console.log('kparty OpenID4VP demo: a wallet answers an OpenID4VP 1.0 request\n');
  if (process.env.KPARTY_SKIP_BUILD !== '1' && buildIfNeeded()) detail('(built dist/ first)');
  const port = await freePort();
  // localhost, not 127.0.0.1: kparty's client_id is its did:web, which names a host.
  const kp = `http://localhost:${port}`;
  const adminKey = randomBytes(32).toString('base64url');
  const kparty = await startProcess('kparty', join(root, 'dist', 'main.js'), {
    cwd: workDir,
    env: { PORT: String(port), KPARTY_ISSUER: kp, DATABASE_URL: `sqlite:${join(workDir, 'kparty.db')}`, KPARTY_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' },
    isReady: async () => ((await fetch(`${kp}/healthz`)).ok ? true : undefined),
  });
  children.push(kparty);
  step(`kparty is running at ${kp}; it signs OpenID4VP requests as its own did:web (no set-up)`);

  const hr = createIdentity();
  const alice = createIdentity();
  const credential = await issueEmployeeCredential(hr, alice.did, 'alice@example.com');
  step("HR issued Alice an EmployeeCredential (jwt_vc_json, did-jwt-vc); it is in Alice's wallet");

  const rp = await call(kp, 'POST', '/v1/admin/relying-parties', {
    expect: 201,
    key: adminKey,
    json: { id: 'orders', name: 'Orders portal', audiences: ['https://orders.example.com'] },
  });
  await call(kp, 'PUT', `/v1/admin/policies/${POLICY}`, {
    expect: 201,
    key: rp.body.apiKey,
    json: {
      audience: 'https://orders.example.com',
      credentials: [
        {
          id: 'employee',
          format: 'jwt_vc_json',
          meta: { type_values: [['EmployeeCredential']] },
          claims: [{ path: ['credentialSubject', 'email'] }],
          trustedIssuers: [hr.did],
          status: 'ignore',
        },
      ],
      session: { scope: 'orders:read', claims: { email: ['employee', 'credentialSubject', 'email'] } },
    },
  });
  step(`the relying party "orders" registered and defined the policy "${POLICY}"`);

  const created = await call(kp, 'POST', '/v1/oid4vp/requests', { expect: 201, key: rp.body.apiKey, json: { policy: POLICY } });
  step('"orders" started an OpenID4VP request (POST /v1/oid4vp/requests); a phone would scan this:');
  console.log(await QRCode.toString(created.body.requestUri, { type: 'terminal', small: true }));
  detail(`requestUri ${created.body.requestUri.slice(0, 72)}…`);
  detail(`pageUrl    ${created.body.pageUrl}`);

  setGlobalConfig({ allowInsecureUrls: true });
  const wallet = new Openid4vpClient({ callbacks: walletCallbacks() });
  const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: created.body.requestUri });
  const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
  const request = resolved.authorizationRequestPayload;
  step(`the wallet (Openid4vpClient) fetched and verified the signed request: client_id ${request.client_id}`);
  detail(`asks for: ${request.dcql_query.credentials.map((c) => `${c.id} (${c.format})`).join(', ')}; response_mode ${request.response_mode}`);

  const vp = await createVerifiablePresentationJwt(
    {
      vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: [credential] },
      nonce: request.nonce,
      aud: request.client_id,
    },
    { did: alice.did, signer: alice.signer, alg: 'EdDSA' },
    { header: { kid: alice.kid, alg: 'EdDSA' } },
  );
  const response = await wallet.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: { vp_token: { employee: [vp] } },
    jarm: {
      encryption: { nonce: randomBytes(16).toString('base64url') },
      serverMetadata: {
        authorization_signing_alg_values_supported: [],
        authorization_encryption_alg_values_supported: ['ECDH-ES'],
        authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
      },
    },
  });
  const submitted = await wallet.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: response.authorizationResponsePayload,
    jarm: { responseJwt: response.jarm.responseJwt },
  });
  if (submitted.response.status !== 200) throw new UnexpectedResult(`the response endpoint answered ${submitted.response.status}`);
  step("Alice consented; the wallet posted the presentation encrypted to the request's key (direct_post.jwt) → 200 {}");

  const outcome = await call(kp, 'GET', `/v1/oid4vp/requests/${created.body.id}`, { expect: 200, key: rp.body.apiKey });
  if (outcome.body.status !== 'verified' || outcome.body.result?.holder !== alice.did)
    throw new UnexpectedResult(`unexpected outcome ${JSON.stringify(outcome.body)}`);
  step(`"orders" read the outcome with its key: ${outcome.body.status}, holder ${outcome.body.result.holder.slice(0, 40)}…`);
  detail(`claims ${JSON.stringify(outcome.body.result.credentials[0].claims)}; session token for scope "${outcome.body.result.session.scope}"`);
  const again = await call(kp, 'GET', `/v1/oid4vp/requests/${created.body.id}`, { expect: 200, key: rp.body.apiKey });
  if (again.body.result !== undefined) throw new UnexpectedResult('the result was released twice');
  step('read again: the result is gone (released once; personal data is not kept)');
  console.log('\ndemo finished: every step behaved as expected');
}

export async function runOid4vpDemo() {
  await runDemo(demo, DEADLINE_MS);
}
