import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { makeRequestSigningChain } from '../../test/support/x509-chain.js';
import { fixedClock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { MemorySettingsStore } from '../storage/memory/memory-settings-store.js';
import { createClientIdentity } from './create-client-identity.js';
import { loadX509RequestSigner } from './client-identity.js';
import { DidWebRequestKeys, didWebForIssuer } from './did-web-request-keys.js';
import { UNSEALED } from './secret-seal.js';

const clock = fixedClock(Date.UTC(2026, 0, 1));

describe('OpenID4VP configuration', () => {
  it('defaults to decentralized_identifier, and to x509_hash once a certificate is configured', () => {
    expect(loadConfig({}).oid4vp).toMatchObject({
      clientIdPrefix: 'decentralized_identifier',
      requestTtl: 300,
      resultTtl: 300,
      maxResponseBytes: 262_144,
      callbackAttempts: 5,
    });
    expect(loadConfig({ KPARTY_OID4VP_X509_CHAIN: 'c.pem', KPARTY_OID4VP_X509_KEY: 'k.pem' }).oid4vp.clientIdPrefix).toBe('x509_hash');
  });

  it.each([
    [{ KPARTY_OID4VP_CLIENT_ID_PREFIX: 'https' }, /KPARTY_OID4VP_CLIENT_ID_PREFIX must be one of/],
    [{ KPARTY_OID4VP_CLIENT_ID_PREFIX: 'x509_san_dns' }, /needs KPARTY_OID4VP_X509_CHAIN/],
    [{ KPARTY_OID4VP_X509_CHAIN: 'c.pem' }, /must be set together/],
    [{ KPARTY_OID4VP_CLIENT_ID_PREFIX: 'redirect_uri', NODE_ENV: 'production', KPARTY_ISSUER: 'https://k.example' }, /refused when NODE_ENV=production/],
    [{ KPARTY_OID4VP_REQUEST_TTL: '5' }, /KPARTY_OID4VP_REQUEST_TTL must be between 10/],
    [{ KPARTY_OID4VP_RESULT_TTL: '0' }, /KPARTY_OID4VP_RESULT_TTL must be between 1/],
    [{ KPARTY_OID4VP_MAX_RESPONSE_BYTES: '99999999' }, /KPARTY_OID4VP_MAX_RESPONSE_BYTES/],
    [{ KPARTY_OID4VP_CALLBACK_ATTEMPTS: '0' }, /KPARTY_OID4VP_CALLBACK_ATTEMPTS/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('request-signing certificates', () => {
  it('x509_san_dns needs the issuer host among the leaf DNS names', async () => {
    const chain = await makeRequestSigningChain(['verifier.example']);
    const config = loadConfig({
      KPARTY_ISSUER: 'https://other.example',
      KPARTY_OID4VP_CLIENT_ID_PREFIX: 'x509_san_dns',
      KPARTY_OID4VP_X509_CHAIN: chain.chainFile,
      KPARTY_OID4VP_X509_KEY: chain.keyFile,
    });
    await expect(createClientIdentity(config, new MemorySettingsStore(), UNSEALED, clock)).rejects.toThrow(/DNS subjectAltName/);
    const matching = loadConfig({
      KPARTY_ISSUER: 'https://verifier.example',
      KPARTY_OID4VP_CLIENT_ID_PREFIX: 'x509_san_dns',
      KPARTY_OID4VP_X509_CHAIN: chain.chainFile,
      KPARTY_OID4VP_X509_KEY: chain.keyFile,
    });
    const { identity } = await createClientIdentity(matching, new MemorySettingsStore(), UNSEALED, clock);
    expect(identity.clientId('https://verifier.example/r')).toBe('x509_san_dns:verifier.example');
  });

  it('x509_hash is the SHA-256 of the leaf; x5c leaves out the self-signed root; the JWT verifies with the leaf key', async () => {
    const chain = await makeRequestSigningChain(['verifier.example']);
    const config = loadConfig({ KPARTY_OID4VP_X509_CHAIN: chain.chainFile, KPARTY_OID4VP_X509_KEY: chain.keyFile });
    const { identity } = await createClientIdentity(config, new MemorySettingsStore(), UNSEALED, clock);
    expect(identity.clientId('x')).toBe(`x509_hash:${createHash('sha256').update(chain.leafDer).digest('base64url')}`);
    const jwt = await identity.sign!({ client_id: identity.clientId('x') });
    const header = decodeProtectedHeader(jwt);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'oauth-authz-req+jwt' });
    expect(header.x5c).toEqual([Buffer.from(chain.leafDer).toString('base64')]);
  });

  it("refuses a key that is not the leaf's, a chain out of order, and files without certificates", async () => {
    const a = await makeRequestSigningChain(['a.example']);
    const b = await makeRequestSigningChain(['b.example']);
    await expect(loadX509RequestSigner(a.chainFile, b.keyFile)).rejects.toThrow(ConfigError);
    await expect(loadX509RequestSigner(a.keyFile, a.keyFile)).rejects.toThrow(/holds no PEM certificate/);
    await expect(loadX509RequestSigner('/nonexistent/chain.pem', a.keyFile)).rejects.toThrow(/KPARTY_OID4VP_X509_CHAIN/);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const pems = readFileSync(a.chainFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    writeFileSync(a.chainFile, [pems[1], pems[0]].join('\n'));
    await expect(loadX509RequestSigner(a.chainFile, a.keyFile)).rejects.toThrow(/not issued by/);
  });
});

describe("kparty's did:web request-signing keys", () => {
  it('names the issuer host, port percent-encoded', () => {
    expect(didWebForIssuer('http://localhost:8080')).toBe('did:web:localhost%3A8080');
    expect(didWebForIssuer('https://kparty.example')).toBe('did:web:kparty.example');
  });

  it('are generated once, persisted, shared by instances on one store, and rotatable with the previous key still published', async () => {
    const settings = new MemorySettingsStore();
    const did = 'did:web:kparty.example';
    const first = new DidWebRequestKeys(did, settings, UNSEALED, clock);
    const second = new DidWebRequestKeys(did, settings, UNSEALED, clock);
    const key = await first.current();
    expect((await second.current()).verificationMethodId).toBe(key.verificationMethodId);
    const rotated = await first.rotate();
    expect(rotated.verificationMethodId).not.toBe(key.verificationMethodId);
    const document = (await first.didDocument()) as {
      id: string;
      verificationMethod: Array<{ id: string; publicKeyJwk: Record<string, string> }>;
      assertionMethod: string[];
    };
    expect(document.id).toBe(did);
    expect(document.verificationMethod.map((m) => m.id)).toEqual([rotated.verificationMethodId, key.verificationMethodId]);
    expect(document.verificationMethod.every((m) => m.publicKeyJwk.d === undefined)).toBe(true);
    // The other instance sees the rotation once its cache is older than the refresh interval.
    clock.advance(31_000);
    expect((await second.current()).verificationMethodId).toBe(rotated.verificationMethodId);
    const jwt = await (await createClientIdentity(loadConfig({ KPARTY_ISSUER: 'https://kparty.example' }), settings, UNSEALED, clock)).identity.sign!({ a: 1 });
    const header = decodeProtectedHeader(jwt);
    const method = document.verificationMethod.find((m) => m.id === header.kid)!;
    await expect(jwtVerify(jwt, await importJWK(method.publicKeyJwk, 'ES256'), { typ: 'oauth-authz-req+jwt', algorithms: ['ES256'] })).resolves.toBeDefined();
    expect(decodeJwt(jwt)).toEqual({ a: 1 });
  });

  it('seal the private key through the SecretSeal before it is stored', async () => {
    const settings = new MemorySettingsStore();
    const sealed: string[] = [];
    const seal = {
      seal: (p: string) => (sealed.push(p), `sealed:${Buffer.from(p).toString('base64')}`),
      open: (s: string) => Buffer.from(s.slice(7), 'base64').toString(),
    };
    await new DidWebRequestKeys('did:web:k.example', settings, seal, clock).current();
    const stored = await settings.get('oid4vp.did_web_request_key.1');
    expect(stored).toMatch(/^sealed:/);
    expect(sealed).toHaveLength(1);
  });
});
