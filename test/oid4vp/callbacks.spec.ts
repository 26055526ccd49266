import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Oid4vpRequestRecord } from '../../src/core/model/oid4vp-request.js';
import { FetchError, type FetchRequest, type Fetcher } from '../../src/core/ports/fetcher.js';
import { CallbackDispatcher } from '../../src/oid4vp/callback-dispatcher.js';
import { SigningKeyRing } from '../../src/session/signing-key-ring.js';
import { MemorySigningKeyStore } from '../../src/storage/memory/memory-signing-key-store.js';
import { serveOnLoopback, type LoopbackServer } from '../net/loopback-server.js';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, p256Identity } from '../support/identities.js';
import { startInProcessKparty, trustingPolicy, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest, submitVpToken } from '../support/oid4vp-wallet.js';

const issuer = ed25519Identity();
const holder = p256Identity();

describe('callbacks end to end (guarded fetcher, loopback relying party)', () => {
  let kp: InProcessKparty;
  let rpKey: string;
  let hook: LoopbackServer;
  const bodies: Array<{ contentType: string | undefined; body: string }> = [];
  let failFirst = 1;

  beforeAll(async () => {
    hook = await serveOnLoopback((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push({ contentType: request.headers['content-type'], body });
        if (failFirst-- > 0) response.writeHead(503).end();
        else response.writeHead(204).end();
      });
    });
    kp = await startInProcessKparty({ KPARTY_OUTBOUND_ALLOW: hook.authority });
    rpKey = await kp.relyingParty('acme', { callbackOrigins: [hook.origin] });
    expect((await kp.request('PUT', '/v1/admin/policies/employee', { key: rpKey, body: trustingPolicy('employee', issuer.did) })).status).toBe(201);
  });
  afterAll(async () => {
    await kp.close();
    await hook.close();
  });

  it('POSTs a kparty-event+jwt signed with the session key, retried after a failure with the same jti; the outcome is unchanged', async () => {
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee', callbackUrl: `${hook.origin}/hook` } });
    expect(created.status).toBe(201);
    const request = await resolveRequest(created.body.requestUri);
    const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: request.payload.nonce, aud: request.payload.client_id });
    expect((await submitVpToken(request, { employee: [vp] })).status).toBe(200);
    const deadline = Date.now() + 15_000;
    while (bodies.length < 2 && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 100));
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.contentType).toBe('application/jwt');
    expect(bodies[1]!.body).toBe(bodies[0]!.body);
    const jwks = (await kp.request('GET', '/.well-known/jwks.json')).body as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(bodies[0]!.body, createLocalJWKSet(jwks), {
      typ: 'kparty-event+jwt',
      algorithms: ['ES256'],
      issuer: kp.baseUrl,
      audience: 'acme',
    });
    expect(protectedHeader.typ).toBe('kparty-event+jwt');
    expect(payload).toMatchObject({ request: created.body.id, status: 'verified', jti: expect.any(String), iat: expect.any(Number) });
    const outcome = await kp.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
    expect(outcome.body.status).toBe('verified');
  });

  it('a cancellation is told too', async () => {
    const before = bodies.length;
    failFirst = 0;
    const created = await kp.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee', callbackUrl: `${hook.origin}/hook` } });
    expect((await kp.request('DELETE', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey })).status).toBe(204);
    const deadline = Date.now() + 10_000;
    while (bodies.length === before && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 50));
    expect(decodeJwt(bodies[before]!.body)).toMatchObject({ request: created.body.id, status: 'cancelled' });
  });
});

describe('CallbackDispatcher', () => {
  const record = (callbackUrl?: string): Oid4vpRequestRecord => ({
    id: 'req-1',
    owner: 'acme',
    policyId: 'p',
    flow: 'cross_device',
    responseMode: 'direct_post',
    clientId: 'c',
    nonce: 'n',
    state: 's',
    responseUri: 'https://kparty.example/r',
    status: 'rejected',
    createdAt: 0,
    expiresAt: 1,
    purgeAt: 2,
    version: 3,
    ...(callbackUrl ? { callbackUrl } : {}),
  });

  async function dispatcher(fetcher: Fetcher, attempts: number, sleeps: number[]) {
    const clock = fixedClock(Date.UTC(2026, 0, 1));
    const keys = await SigningKeyRing.open(new MemorySigningKeyStore(), clock);
    return new CallbackDispatcher({
      fetcher,
      keys,
      clock,
      logger: silentLogger,
      issuer: 'https://kparty.example',
      attempts,
      sleep: async (ms) => void sleeps.push(ms),
    });
  }

  it('backs off 1 s, 2 s, 4 s … and gives up after KPARTY_OID4VP_CALLBACK_ATTEMPTS, never throwing', async () => {
    const seen: FetchRequest[] = [];
    const sleeps: number[] = [];
    const failing: Fetcher = {
      fetch: async (request) => {
        seen.push(request);
        throw new FetchError('address_blocked', 'private address');
      },
    };
    const d = await dispatcher(failing, 4, sleeps);
    d.notify(record('https://rp.example/hook'));
    // Signing and four attempts take a few milliseconds; allow for a loaded machine.
    for (const until = Date.now() + 3000; seen.length < 4 && Date.now() < until;) await new Promise((ok) => setTimeout(ok, 20));
    await new Promise((ok) => setTimeout(ok, 50));
    expect(seen).toHaveLength(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(new Set(seen.map((r) => Buffer.from(r.body!.data).toString())).size).toBe(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: 'https://rp.example/hook', body: { contentType: 'application/jwt' } });
  });

  it('does nothing without a callbackUrl or after close', async () => {
    const seen: FetchRequest[] = [];
    const d = await dispatcher(
      {
        fetch: async (r) => {
          seen.push(r);
          return { url: r.url, status: 204, headers: {}, body: new Uint8Array() };
        },
      },
      3,
      [],
    );
    d.notify(record());
    d.close();
    d.notify(record('https://rp.example/hook'));
    await new Promise((ok) => setTimeout(ok, 20));
    expect(seen).toHaveLength(0);
  });

  it('through the guarded fetcher, a private address not allow-listed is never contacted', async () => {
    const canary = await serveOnLoopback();
    try {
      const { GuardedFetcher } = await import('../../src/net/guarded-fetcher.js');
      const fetcher = new GuardedFetcher({ allow: new Set(), timeoutMs: 1000, maxBytes: 1000 });
      const d = await dispatcher(fetcher, 2, []);
      d.notify(record(`${canary.origin}/hook`));
      await new Promise((ok) => setTimeout(ok, 100));
      expect(canary.connections).toBe(0);
    } finally {
      await canary.close();
    }
  });
});
