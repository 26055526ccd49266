/**
 * DPoP proofs (RFC 9449 §4.3) made with jose alone — never with kparty's own
 * code — against the shared verifier, and DPoP-bound tokens through the
 * guard's plain middleware on a real HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AUDIENCE, startLocalIssuer, type LocalIssuer } from './__fixtures__/local-issuer.js';
import { DpopNonces, dpopReplayKey, normalizeHtu, verifyDpopProof, type DpopProofFailure } from './dpop.js';
import { IssuerDirectory } from './issuer-directory.js';
import { kpartyMiddleware, type KpartyRequest } from './middleware.js';

const NOW = Date.UTC(2026, 11, 2, 12);
const URL_ = 'https://api.example.com/orders';
const window = { now: NOW, maxAgeSeconds: 60, clockSkewSeconds: 5 };

interface Key {
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

async function key(alg: 'ES256' | 'EdDSA' | 'ES384' | 'RS256' = 'ES256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
}

const ath = (token: string): string => createHash('sha256').update(token).digest('base64url');

function proof(k: Key, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, alg = 'ES256'): Promise<string> {
  return new SignJWT({ htm: 'GET', htu: URL_, jti: randomUUID(), iat: Math.floor(NOW / 1000), ...claims })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: k.jwk, ...header })
    .sign(k.privateKey);
}

async function refusal(
  header: string | string[] | undefined,
  options: Partial<Parameters<typeof verifyDpopProof>[2]> = {},
  request = { method: 'GET', url: URL_ },
): Promise<DpopProofFailure> {
  try {
    await verifyDpopProof(header, request, { ...window, ...options });
  } catch (error) {
    return (error as { reason: DpopProofFailure }).reason;
  }
  throw new Error('the proof was accepted');
}

describe('verifyDpopProof (RFC 9449 §4.3)', () => {
  it('accepts a proof by ES256, ES384 or EdDSA for the request and returns its key thumbprint', async () => {
    for (const alg of ['ES256', 'ES384', 'EdDSA'] as const) {
      const k = await key(alg);
      const verified = await verifyDpopProof(await proof(k, {}, {}, alg), { method: 'get', url: `${URL_}?page=2#x` }, window);
      expect(verified).toMatchObject({ jkt: k.jkt, iat: Math.floor(NOW / 1000) });
      expect(dpopReplayKey(verified)).toMatch(new RegExp(`^${k.jkt}:`));
    }
  });

  it('checks ath against the access token and the key against cnf.jkt', async () => {
    const k = await key();
    const token = 'eyJ.access.token';
    await expect(
      verifyDpopProof(await proof(k, { ath: ath(token) }), { method: 'GET', url: URL_ }, { ...window, accessToken: token, expectedJkt: k.jkt }),
    ).resolves.toBeDefined();
    expect(await refusal(await proof(k, { ath: ath('other') }), { accessToken: token })).toBe('ath');
    expect(await refusal(await proof(k), { accessToken: token })).toBe('ath');
    expect(await refusal(await proof(k, { ath: ath(token) }), { accessToken: token, expectedJkt: (await key()).jkt })).toBe('key_mismatch');
  });

  it('refuses another method, another URL, a stale or future iat, a missing or oversized jti', async () => {
    const k = await key();
    expect(await refusal(await proof(k, { htm: 'POST' }))).toBe('htm');
    expect(await refusal(await proof(k, { htu: 'https://api.example.com/admin' }))).toBe('htu');
    expect(await refusal(await proof(k, { htu: 'https://evil.example.com/orders' }))).toBe('htu');
    expect(await refusal(await proof(k, { htu: 'http://api.example.com/orders' }))).toBe('htu');
    expect(await refusal(await proof(k, { htu: 42 }))).toBe('htu');
    expect(await refusal(await proof(k, { iat: Math.floor(NOW / 1000) - 61 }))).toBe('iat');
    expect(await refusal(await proof(k, { iat: Math.floor(NOW / 1000) + 6 }))).toBe('iat');
    expect(await refusal(await proof(k, { iat: '1' }))).toBe('iat');
    expect(await refusal(await proof(k, { jti: undefined }))).toBe('jti');
    expect(await refusal(await proof(k, { jti: 'x'.repeat(257) }))).toBe('jti');
  });

  it('refuses a wrong typ, a symmetric or unknown alg, a missing or private jwk, a bad signature', async () => {
    const k = await key();
    expect(await refusal(await proof(k, {}, { typ: 'JWT' }))).toBe('typ');
    const rsa = await key('RS256');
    expect(await refusal(await proof(rsa, {}, {}, 'RS256'))).toBe('alg');
    const hs = await new SignJWT({ htm: 'GET', htu: URL_, jti: 'j', iat: Math.floor(NOW / 1000) })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt' })
      .sign(new Uint8Array(32));
    expect(await refusal(hs)).toBe('alg');
    expect(await refusal(await proof(k, {}, { jwk: undefined }))).toBe('jwk');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    expect(await refusal(await proof(k, {}, { jwk: privateJwk }))).toBe('jwk');
    const other = await key();
    expect(await refusal(await proof(k, {}, { jwk: other.jwk }))).toBe('signature');
  });

  it('refuses hostile headers: none, several, oversized, not a JWS, a JSON-less header or payload', async () => {
    const k = await key();
    const good = await proof(k);
    expect(await refusal(undefined)).toBe('missing');
    expect(await refusal('')).toBe('missing');
    expect(await refusal([good, good])).toBe('multiple');
    expect(await refusal('a'.repeat(9000))).toBe('too_large');
    // A smaller configured cap (KPARTY_DPOP_MAX_PROOF_BYTES) refuses a real proof above it, before parsing.
    expect(await refusal(good, { maxProofLength: good.length - 1 })).toBe('too_large');
    expect(await refusal('a.b')).toBe('malformed');
    expect(await refusal(`${good} ${good}`)).toBe('malformed');
    expect(await refusal('bm90IGpzb24.e30.c2ln')).toBe('malformed');
    const [h, , sig] = good.split('.');
    expect(await refusal(`${h}.${Buffer.from('{"htm":"GET"}').toString('base64url')}.${sig}`)).toBe('signature');
    for (const payload of ['[1,2]', 'not json', '\xff\xfe']) {
      const signed = await new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: k.jwk })
        .sign(k.privateKey);
      expect(await refusal(signed)).toBe('malformed');
    }
  });

  it('nonces: accepted in their window and the next, refused when absent, forged or old', async () => {
    const nonces = new DpopNonces('a-secret-of-at-least-16-bytes', 60);
    const nonce = nonces.current(NOW);
    expect(nonces.accepts(nonce, NOW + 59_000)).toBe(true);
    expect(nonces.accepts(nonce, NOW + 121_000)).toBe(false);
    expect(nonces.accepts(new DpopNonces('another-secret-16-bytes!!', 60).current(NOW), NOW)).toBe(false);
    expect(nonces.accepts(undefined, NOW)).toBe(false);
    const k = await key();
    const accepts = (value: string | undefined) => nonces.accepts(value, NOW);
    expect(await refusal(await proof(k), { nonce: accepts })).toBe('nonce');
    await expect(verifyDpopProof(await proof(k, { nonce }), { method: 'GET', url: URL_ }, { ...window, nonce: accepts })).resolves.toBeDefined();
    expect(() => new DpopNonces('short', 60)).toThrow(TypeError);
  });

  it('normalises htu: scheme and host case, default ports, no query or fragment', () => {
    expect(normalizeHtu('HTTPS://API.example.com:443/orders?x#y')).toBe('https://api.example.com/orders');
    expect(normalizeHtu('ftp://x/y')).toBeUndefined();
    expect(normalizeHtu('not a url')).toBeUndefined();
  });
});

describe('kparty/guard with DPoP-bound tokens (plain middleware)', () => {
  let local: LocalIssuer;
  let server: Server;
  let base: string;
  const bound = async (k: Key): Promise<string> => local.mint({ claims: { cnf: { jkt: k.jkt } } });

  beforeAll(async () => {
    local = await startLocalIssuer();
    const options = { issuer: local.issuer, audience: AUDIENCE, directory: new IssuerDirectory(), origin: 'https://api.example.com' };
    const routes: Record<string, ReturnType<typeof kpartyMiddleware>> = {
      '/orders': kpartyMiddleware(options),
      '/gateway-checked': kpartyMiddleware({ ...options, dpop: { replay: 'skip' } }),
      '/dpop-only': kpartyMiddleware({ ...options, dpop: { required: true } }),
    };
    server = createServer((req, res) => {
      const middleware = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (!middleware) return void res.writeHead(404).end();
      middleware(req, res, () => res.end(JSON.stringify({ sub: (req as KpartyRequest).kparty.sub })));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    await local.close();
  });

  const live = (k: Key, claims: Record<string, unknown>) =>
    new SignJWT({ htm: 'GET', htu: 'https://api.example.com/orders', jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: k.jwk })
      .setIssuedAt()
      .sign(k.privateKey);

  const call = (path: string, headers: Record<string, string>) => fetch(`${base}${path}`, { headers });

  it('accepts a bound token with the DPoP scheme and a proof by its key for this request', async () => {
    const k = await key();
    const token = await bound(k);
    const reply = await call('/orders', { authorization: `DPoP ${token}`, dpop: await live(k, { ath: ath(token) }) });
    expect(reply.status).toBe(200);
  });

  it('refuses a bound token as Bearer, without a proof, with a wrong ath, another key, URL or method, and a replayed proof', async () => {
    const k = await key();
    const token = await bound(k);
    const expectRefused = async (headers: Record<string, string>, error: string) => {
      const reply = await call('/orders', headers);
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP .*error="${error}".*algs="ES256 ES384 EdDSA"`));
    };
    await expectRefused({ authorization: `Bearer ${token}`, dpop: await live(k, { ath: ath(token) }) }, 'invalid_token');
    await expectRefused({ authorization: `DPoP ${token}` }, 'invalid_dpop_proof');
    await expectRefused({ authorization: `DPoP ${token}`, dpop: await live(k, { ath: ath('other') }) }, 'invalid_dpop_proof');
    await expectRefused({ authorization: `DPoP ${token}`, dpop: await live(await key(), { ath: ath(token) }) }, 'invalid_dpop_proof');
    await expectRefused(
      { authorization: `DPoP ${token}`, dpop: await live(k, { ath: ath(token), htu: 'https://api.example.com/admin' }) },
      'invalid_dpop_proof',
    );
    await expectRefused({ authorization: `DPoP ${token}`, dpop: await live(k, { ath: ath(token), htm: 'POST' }) }, 'invalid_dpop_proof');
    const once = await live(k, { ath: ath(token) });
    expect((await call('/orders', { authorization: `DPoP ${token}`, dpop: once })).status).toBe(200);
    await expectRefused({ authorization: `DPoP ${token}`, dpop: once }, 'invalid_dpop_proof');
  });

  it('skips its own replay check when told a gateway did it; refuses unbound tokens as DPoP and, if required, as Bearer', async () => {
    const k = await key();
    const token = await bound(k);
    const once = await new SignJWT({ htm: 'GET', htu: 'https://api.example.com/gateway-checked', jti: 'same', ath: ath(token) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: k.jwk })
      .setIssuedAt()
      .sign(k.privateKey);
    expect((await call('/gateway-checked', { authorization: `DPoP ${token}`, dpop: once })).status).toBe(200);
    expect((await call('/gateway-checked', { authorization: `DPoP ${token}`, dpop: once })).status).toBe(200);
    const unbound = await local.mint();
    expect((await call('/orders', { authorization: `Bearer ${unbound}` })).status).toBe(200);
    expect((await call('/orders', { authorization: `DPoP ${unbound}`, dpop: await live(k, { ath: ath(unbound) }) })).status).toBe(401);
    expect((await call('/dpop-only', { authorization: `Bearer ${unbound}` })).status).toBe(401);
  });
});
