import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { DidResolutionError } from '../did-method-resolver.js';
import { selectVerificationKeys } from '../select-verification-keys.js';
import { DidJwkResolver, didJwkDocument } from './jwk.js';

const didJwk = (jwk: unknown): string => `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;

// The P-256 example of the did:jwk specification.
const SPEC_EXAMPLE_DID =
  'did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9';
const SPEC_EXAMPLE_JWK = {
  crv: 'P-256',
  kty: 'EC',
  x: 'acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0',
  y: '_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE',
};
const ED25519 = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const X25519 = { kty: 'OKP', crv: 'X25519', x: '3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08' };
const ALL = ['assertionMethod', 'authentication', 'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'] as const;

function relationshipsOf(did: string): string[] {
  const document = didJwkDocument(did);
  return ALL.filter((relationship) => document[relationship]?.[0] === `${did}#0`);
}

describe('did:jwk', () => {
  it('resolves the specification example to the specified document', () => {
    expect(didJwkDocument(SPEC_EXAMPLE_DID)).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: SPEC_EXAMPLE_DID,
      verificationMethod: [{ id: `${SPEC_EXAMPLE_DID}#0`, type: 'JsonWebKey2020', controller: SPEC_EXAMPLE_DID, publicKeyJwk: SPEC_EXAMPLE_JWK }],
      assertionMethod: [`${SPEC_EXAMPLE_DID}#0`],
      authentication: [`${SPEC_EXAMPLE_DID}#0`],
      capabilityInvocation: [`${SPEC_EXAMPLE_DID}#0`],
      capabilityDelegation: [`${SPEC_EXAMPLE_DID}#0`],
      keyAgreement: [`${SPEC_EXAMPLE_DID}#0`],
    });
  });

  it('puts a key without use in every relationship', () => {
    expect(relationshipsOf(didJwk(ED25519))).toEqual([...ALL]);
  });

  it('puts a use:"sig" key in every relationship but keyAgreement', () => {
    expect(relationshipsOf(didJwk({ ...ED25519, use: 'sig' }))).toEqual(ALL.filter((r) => r !== 'keyAgreement'));
  });

  it('puts a use:"enc" key in keyAgreement only', () => {
    expect(relationshipsOf(didJwk({ ...X25519, use: 'enc' }))).toEqual(['keyAgreement']);
    expect(relationshipsOf(didJwk({ ...SPEC_EXAMPLE_JWK, use: 'enc' }))).toEqual(['keyAgreement']);
  });

  it('respects key_ops: no "verify", no signing relationship', () => {
    expect(relationshipsOf(didJwk({ ...SPEC_EXAMPLE_JWK, key_ops: ['verify'] }))).toEqual(ALL.filter((r) => r !== 'keyAgreement'));
    expect(relationshipsOf(didJwk({ ...SPEC_EXAMPLE_JWK, key_ops: ['deriveBits'] }))).toEqual(['keyAgreement']);
    expect(relationshipsOf(didJwk({ ...SPEC_EXAMPLE_JWK, key_ops: ['encrypt'] }))).toEqual([]);
    expect(relationshipsOf(didJwk({ ...SPEC_EXAMPLE_JWK, use: 'sig', key_ops: ['sign'] }))).toEqual([]);
  });

  it('gives a key whose key_ops lack "verify" no signing key', () => {
    const did = didJwk({ ...ED25519, key_ops: ['deriveKey'] });
    expect(selectVerificationKeys(didJwkDocument(did), { did, relationship: 'assertionMethod' })).toMatchObject({
      ok: false,
      code: 'did.key_not_found',
    });
  });

  it('keeps the JWK as written, members like kid and alg included', () => {
    const jwk = { ...SPEC_EXAMPLE_JWK, kid: 'k1', alg: 'ES256' };
    expect(didJwkDocument(didJwk(jwk)).verificationMethod?.[0]?.publicKeyJwk).toEqual(jwk);
  });

  it('resolves keys made by jose (P-384, RSA)', async () => {
    for (const alg of ['ES384', 'RS256'] as const) {
      const { publicKey } = await generateKeyPair(alg);
      const did = didJwk(await exportJWK(publicKey));
      const selected = selectVerificationKeys(didJwkDocument(did), { did, kid: `${did}#0`, relationship: 'authentication' });
      expect(selected.ok && selected.keys[0]?.algorithms).toContain(alg);
    }
  });

  it.each([
    ['a private EC key (d)', didJwk({ ...SPEC_EXAMPLE_JWK, d: 'gPh-VvVS8MbvKQ9LSVVmfnxnKjHn4Tqj0bmbpehRlpc' }), 'private key'],
    ['a private RSA key (p, q, …)', didJwk({ kty: 'RSA', n: 'AQAB', e: 'AQAB', p: 'AQAB' }), 'private key'],
    ['a symmetric key', didJwk({ kty: 'oct', k: 'c2VjcmV0' }), 'private key'],
    ['an unknown key type', didJwk({ kty: 'AKP', alg: 'ML-DSA-44', pub: 'AAAA' }), 'unsupported key type'],
    ['an unknown curve', didJwk({ kty: 'EC', crv: 'P-192', x: 'AAAA', y: 'AAAA' }), 'unsupported EC curve'],
    ['an EC point off the curve', didJwk({ ...SPEC_EXAMPLE_JWK, y: SPEC_EXAMPLE_JWK.x }), 'not on its curve'],
    ['a short Ed25519 key', didJwk({ ...ED25519, x: 'AAAA' }), 'malformed OKP key'],
    ['an unknown use', didJwk({ ...ED25519, use: 'tls' }), 'unsupported use'],
    ['key_ops that are not strings', didJwk({ ...ED25519, key_ops: [1] }), 'malformed use, key_ops or alg'],
    ['a JSON array', didJwk([ED25519]), 'not a JSON object'],
    ['JSON that is not an object', didJwk('hello'), 'not a JSON object'],
    ['malformed JSON', `did:jwk:${Buffer.from('{"kty":').toString('base64url')}`, 'not a JSON JWK'],
    ['invalid UTF-8', `did:jwk:${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}`, 'not a JSON JWK'],
    ['base64 with padding', `${didJwk(ED25519)}%3D`, 'not base64url'],
    ['an impossible base64url length', 'did:jwk:eyJrdHkiOiJPS1AifQAAA', 'not base64url'],
    ['a DID URL', `${SPEC_EXAMPLE_DID}#0`, 'not a did:jwk'],
    ['another method', 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', 'not a did:jwk'],
  ])('refuses %s', (_label, did, detail) => {
    expect(() => didJwkDocument(did)).toThrow(DidResolutionError);
    if (detail) expect(() => didJwkDocument(did)).toThrow(detail);
  });

  it('refuses a non-canonical base64url spelling of a valid key (one key, one DID)', () => {
    const canonical = didJwk(ED25519);
    // The JSON ends in "}" (0x7d); a last character with non-zero unused bits decodes to the same bytes.
    const last = canonical.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) + 1] as string;
    const alias = canonical.slice(0, -1) + sibling;
    expect(Buffer.from(alias.slice(8), 'base64url')).toEqual(Buffer.from(canonical.slice(8), 'base64url'));
    expect(() => didJwkDocument(alias)).toThrow('not base64url');
  });

  it('caches documents in a bounded LRU and returns them frozen', async () => {
    const resolver = new DidJwkResolver({ cacheSize: 2 });
    const first = await resolver.resolve(SPEC_EXAMPLE_DID);
    expect(await resolver.resolve(SPEC_EXAMPLE_DID)).toBe(first);
    expect(Object.isFrozen(first.verificationMethod)).toBe(true);
    await resolver.resolve(didJwk(ED25519));
    await resolver.resolve(didJwk({ ...ED25519, use: 'sig' }));
    expect(await resolver.resolve(SPEC_EXAMPLE_DID)).not.toBe(first);
  });
});
