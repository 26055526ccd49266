/**
 * Real session tokens for downstream tests: a relying party and policies on a
 * running kparty, and a did-jwt-vc wallet that answers a challenge with a
 * VP-JWT holding an issuer's credential, exactly as a wallet logs in.
 */
import { expect } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, type TestIdentity } from '../support/identities.js';
import { TEST_ADMIN_KEY, type RunningKparty as SpawnedKparty } from './harness.js';

/** A kparty to talk to: spawned (test/e2e/harness.ts) or in process (test/http/harness.ts). */
type RunningKparty = Pick<SpawnedKparty, 'request'>;

export const ORDERS_AUDIENCE = 'https://orders.example.com';

/** An employee-credential policy with the given session settings. */
export function sessionPolicy(id: string, issuerDid: string, session: { ttlSeconds?: number; scope?: string }): Record<string, unknown> {
  return {
    id,
    audience: ORDERS_AUDIENCE,
    credentials: [
      {
        id: 'employee',
        format: 'jwt_vc_json',
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'email'] }],
        trustedIssuers: [issuerDid],
        status: 'ignore',
      },
    ],
    holderBinding: 'required',
    session: { ...session, claims: { email: ['employee', 'credentialSubject', 'email'] } },
  };
}

export interface SessionSetup {
  issuer: TestIdentity;
  holder: TestIdentity;
  /** The relying party's API key. */
  rpKey: string;
}

/** Creates the relying party `orders` and the given policies (once per kparty database). */
export async function setUpSessions(kparty: RunningKparty, policies: Array<{ id: string; ttlSeconds?: number; scope?: string }>): Promise<SessionSetup> {
  const issuer = ed25519Identity();
  const holder = ed25519Identity();
  const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
    key: TEST_ADMIN_KEY,
    body: { id: 'orders', name: 'Orders', audiences: [ORDERS_AUDIENCE] },
  });
  expect(rp.status).toBe(201);
  for (const { id, ...session } of policies) {
    const put = await kparty.request('PUT', `/v1/admin/policies/${id}`, { key: rp.body.apiKey, body: sessionPolicy(id, issuer.did, session) });
    expect(put.status).toBe(201);
  }
  return { issuer, holder, rpKey: rp.body.apiKey };
}

/** Logs in as the holder under `policy` (challenge → did-jwt-vc VP-JWT → verify) and returns the session token. */
export async function mintSessionToken(kparty: RunningKparty, setup: Pick<SessionSetup, 'issuer' | 'holder'>, policy: string): Promise<string> {
  const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy } });
  expect(challenge.status).toBe(201);
  const credential = await issueJwtVc(setup.issuer, setup.holder.did, { claims: { role: 'staff', email: 'alice@example.com' } });
  const presentation = await presentJwtVp(setup.holder, [credential], { nonce: challenge.body.challenge, aud: challenge.body.domain });
  const verified = await kparty.request('POST', '/v1/presentations/verify', { body: { policy, presentation } });
  expect(verified.status).toBe(200);
  return verified.body.session.token;
}
