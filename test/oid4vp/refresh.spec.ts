/**
 * The OpenID4VP result carries a refresh token when the policy sets
 * `session.refresh` (docs/sessions.md): the relying party reads the result
 * with its key, so the session is a confidential client's; with `dpopJkt` on
 * the request it is bound to the relying party's front-end key (RFC 9449 §10).
 * The wallet is @openid4vc/openid4vp's Openid4vpClient; DPoP proofs are made with jose.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, p256Identity } from '../support/identities.js';
import { startInProcessKparty, trustingPolicy, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken } from '../support/oid4vp-wallet.js';

const issuer = ed25519Identity();
const holder = p256Identity();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let kp: InProcessKparty;
let rpKey: string;
let otherKey: string;
let dpopKey: CryptoKey;
let dpopJwk: JWK;
let jkt: string;

beforeAll(async () => {
  kp = await startInProcessKparty();
  rpKey = await kp.relyingParty('acme');
  otherKey = await kp.relyingParty('globex');
  const policy = trustingPolicy('employee', issuer.did) as Record<string, Record<string, unknown>>;
  policy.session = { ...policy.session, refresh: { ttlSeconds: 600, absoluteTtlSeconds: 3600, recheck: 'none' }, dpop: 'optional' };
  expect((await kp.request('PUT', '/v1/admin/policies/employee', { key: rpKey, body: policy })).status).toBe(201);
  const pair = await generateKeyPair('ES256', { extractable: true });
  dpopKey = pair.privateKey;
  dpopJwk = await exportJWK(pair.publicKey);
  jkt = await calculateJwkThumbprint(dpopJwk, 'sha256');
});
afterAll(async () => kp.close());

/** Creates a request, answers it as the wallet, and reads the result as the relying party. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function signInThroughWallet(body: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee', ...body } });
  expect(created.status).toBe(201);
  const request = await resolveRequest(created.body.requestUri);
  const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: request.payload.nonce, aud: request.payload.client_id });
  expect((await submitVpToken(request, { employee: [vp] })).status).toBe(200);
  const outcome = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
  expect(outcome.body.status).toBe('verified');
  return outcome.body.result;
}

const proof = (): Promise<string> =>
  new SignJWT({ htm: 'POST', htu: `${kp.baseUrl}/v1/token`, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: dpopJwk })
    .setIssuedAt()
    .sign(dpopKey);

const refresh = (token: string, headers: Record<string, string>) =>
  kp.request('POST', '/v1/token', {
    raw: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
    headers: { ...FORM, ...headers },
  });

describe('OpenID4VP results with refresh tokens', () => {
  it("a confidential client's session: the result carries a refresh token only the relying party can use", async () => {
    const result = await signInThroughWallet();
    expect(result.session).toMatchObject({ tokenType: 'Bearer', refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const other = await refresh(result.session.refreshToken, { authorization: `Bearer ${otherKey}` });
    expect({ status: other.status, error: other.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
    const refreshed = await refresh(result.session.refreshToken, { authorization: `Bearer ${rpKey}` });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token)).toMatchObject({ sub: holder.did, client_id: 'acme' });
  });

  it("with dpopJkt the session is bound to the front end's key: cnf.jkt, DPoP tokens, refresh with a proof by that key", async () => {
    const result = await signInThroughWallet({ dpopJkt: jkt });
    expect(result.session.tokenType).toBe('DPoP');
    expect(decodeJwt(result.session.token).cnf).toEqual({ jkt });
    const withoutProof = await refresh(result.session.refreshToken, { authorization: `Bearer ${rpKey}` });
    expect(withoutProof.body.error).toBe('invalid_dpop_proof');
    const refreshed = await refresh(result.session.refreshToken, { authorization: `Bearer ${rpKey}`, dpop: await proof() });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.token_type).toBe('DPoP');
  });
});
