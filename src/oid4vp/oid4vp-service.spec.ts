import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, CompactEncrypt, decodeJwt, importJWK, type JWK } from 'jose';
import { fixedClock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import { createFormatRegistry } from '../formats/registered-formats.js';
import { PolicyCatalog } from '../policy/policy-catalog.js';
import { createMemoryStorage } from '../storage/memory/index.js';
import { DidResolver } from '../did/did-resolver.js';
import { GuardedFetcher } from '../net/guarded-fetcher.js';
import { decentralizedIdentifierIdentity } from './client-identity.js';
import { DidWebRequestKeys } from './did-web-request-keys.js';
import { Oid4vpService } from './oid4vp-service.js';
import { UNSEALED } from './secret-seal.js';
import type { SignInPort, SignInRequest, SignInSuccess } from './sign-in-port.js';

const T0 = Date.UTC(2026, 0, 1);
const success: SignInSuccess = {
  verified: true,
  holder: 'did:example:holder',
  credentials: [],
  session: { token: 't', tokenType: 'Bearer', expiresIn: 300, scope: '' },
};

/** A SignIn double that records what the response endpoint asks of it. */
function recordingSignIn(answer: (request: SignInRequest) => Promise<SignInSuccess> = async () => success): SignInPort & { calls: SignInRequest[] } {
  const calls: SignInRequest[] = [];
  return { calls, signIn: async (request) => (calls.push(request), answer(request)) };
}

async function service(signIn: SignInPort) {
  const clock = fixedClock(T0);
  const storage = createMemoryStorage();
  await storage.relyingParties.create({
    id: 'acme',
    name: 'Acme',
    apiKeyHash: 'a'.repeat(64),
    createdAt: T0,
    audiences: ['https://orders.example.com'],
    callbackOrigins: [],
  });
  const policies = new PolicyCatalog(storage.policies, clock, { sessionMaxTtl: 3600 }, [], storage.relyingParties);
  await policies.putFor({ role: 'relying_party', relyingPartyId: 'acme' }, 'p', {
    id: 'p',
    audience: 'https://orders.example.com',
    credentials: [{ id: 'employee', format: 'jwt_vc_json', meta: { type_values: [['EmployeeCredential']] }, trustedIssuers: ['*'] }],
  });
  const keys = new DidWebRequestKeys('did:web:kparty.example', storage.settings, UNSEALED, clock);
  const formats = createFormatRegistry({ dids: new DidResolver([]), fetcher: new GuardedFetcher({ allow: new Set(), timeoutMs: 10, maxBytes: 10 }) });
  const oid4vp = new Oid4vpService(
    {
      store: storage.oid4vpRequests,
      policies,
      relyingParties: storage.relyingParties,
      identity: decentralizedIdentifierIdentity(keys),
      formats,
      signIn,
      clock,
      seal: UNSEALED,
    },
    { issuer: 'https://kparty.example', requestTtl: 300, resultTtl: 300, production: true },
  );
  return { oid4vp, clock };
}

const acme = { role: 'relying_party', relyingPartyId: 'acme' } as const;

describe('Oid4vpService with a SignIn double', () => {
  it('direct_post.jwt: the binding carries nonce, full client_id, response_uri and the raw RFC 7638 thumbprint of the encryption key (mdoc SessionTranscript inputs)', async () => {
    const signIn = recordingSignIn();
    const { oid4vp } = await service(signIn);
    const { id } = await oid4vp.create(acme, { policy: 'p', dpopJkt: 'A'.repeat(43) });
    const payload = decodeJwt(await oid4vp.requestObject(id)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const jwk = payload.client_metadata.jwks.keys[0] as JWK;
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ state: payload.state, vp_token: { employee: ['a.b.c', { proof: {} }] } })))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: jwk.kid! })
      .encrypt(await importJWK(jwk, 'ECDH-ES'));
    await expect(oid4vp.respond(id, { response: jwe })).resolves.toEqual({});
    const [call] = signIn.calls;
    expect(call!.binding).toEqual({
      kind: 'oid4vp',
      nonce: payload.nonce,
      clientId: 'decentralized_identifier:did:web:kparty.example',
      responseUri: `https://kparty.example/v1/oid4vp/responses/${id}`,
      responseEncryptionJwkThumbprint: new Uint8Array(Buffer.from(await calculateJwkThumbprint(jwk, 'sha256'), 'base64url')),
    });
    expect(call!.submission).toEqual({
      presentations: [
        { queryId: 'employee', input: 'a.b.c' },
        { queryId: 'employee', input: { proof: {} } },
      ],
    });
    expect(call!).toMatchObject({ policyId: 'p', clientId: 'acme', dpopJkt: 'A'.repeat(43) });
    expect((await oid4vp.read(acme, id)).result).toEqual(success);
  });

  it('direct_post: no thumbprint in the binding', async () => {
    const signIn = recordingSignIn();
    const { oid4vp } = await service(signIn);
    const { id } = await oid4vp.create(acme, { policy: 'p', responseMode: 'direct_post' });
    const payload = decodeJwt(await oid4vp.requestObject(id)) as Record<string, string>;
    await oid4vp.respond(id, { vp_token: JSON.stringify({ employee: ['x'] }), state: payload.state! });
    expect(signIn.calls[0]!.binding).not.toHaveProperty('responseEncryptionJwkThumbprint');
  });

  it('a sign-in failure that is not a rejection still decides the request: 4xx rejected and answered, 5xx rejected and rethrown', async () => {
    for (const [error, rethrown] of [
      [new KpartyError('request.invalid', 'DPoP-bound sessions are not supported yet'), false],
      [new KpartyError('service.unavailable', 'storage down'), true],
    ] as const) {
      const { oid4vp } = await service(recordingSignIn(async () => Promise.reject(error)));
      const { id } = await oid4vp.create(acme, { policy: 'p', responseMode: 'direct_post' });
      const payload = decodeJwt(await oid4vp.requestObject(id)) as Record<string, string>;
      const answer = oid4vp.respond(id, { vp_token: JSON.stringify({ employee: ['x'] }), state: payload.state! });
      if (rethrown) await expect(answer).rejects.toBe(error);
      else await expect(answer).resolves.toEqual({});
      const view = await oid4vp.read(acme, id);
      expect(view.status).toBe('rejected');
      expect(view.errors?.[0]?.code).toBe(error.code);
    }
  });

  it('production: an http redirectUri is refused', async () => {
    const { oid4vp } = await service(recordingSignIn());
    await expect(oid4vp.create(acme, { policy: 'p', flow: 'same_device', redirectUri: 'http://shop.example/done' })).rejects.toMatchObject({
      code: 'request.invalid',
    });
  });

  it('a request stuck in responding (a process died mid-verification) reads as expired after its lifetime', async () => {
    const { oid4vp, clock } = await service(recordingSignIn(() => new Promise(() => undefined)));
    const { id } = await oid4vp.create(acme, { policy: 'p', responseMode: 'direct_post' });
    const payload = decodeJwt(await oid4vp.requestObject(id)) as Record<string, string>;
    void oid4vp.respond(id, { vp_token: JSON.stringify({ employee: ['x'] }), state: payload.state! });
    await new Promise((ok) => setTimeout(ok, 20));
    expect((await oid4vp.read(acme, id)).status).toBe('fetched');
    clock.advance(300_000 + 60_000);
    expect((await oid4vp.read(acme, id)).status).toBe('expired');
  });
});
