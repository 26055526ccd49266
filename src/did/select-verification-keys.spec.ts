import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { exportJWK, generateKeyPair } from 'jose';
import { encodeBase58btc } from './base58btc.js';
import type { DidDocument } from './did-document.js';
import { didKeyDocument } from './methods/key.js';
import { encodeMultibaseKey } from './multikey.js';
import { MAX_CANDIDATE_KEYS, selectVerificationKeys } from './select-verification-keys.js';

const KEY_ID = 'z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';
const DID = `did:key:${KEY_ID}`;
const X25519_ID = 'z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW';
const document = didKeyDocument(DID);

const ED_PUBLIC = ed25519.getPublicKey(new Uint8Array(32).fill(1));
const ED_JWK = { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(ED_PUBLIC).toString('base64url') };
const WEB = 'did:web:issuer.example';

function webDocument(members: Partial<DidDocument>): DidDocument {
  return { id: WEB, ...members };
}

describe('selectVerificationKeys with a kid', () => {
  it('finds the method a full DID URL names', () => {
    const result = selectVerificationKeys(document, { did: DID, kid: `${DID}#${KEY_ID}`, relationship: 'assertionMethod' });
    expect(result).toEqual({
      ok: true,
      keys: [
        {
          id: `${DID}#${KEY_ID}`,
          controller: DID,
          jwk: { kty: 'OKP', crv: 'Ed25519', x: 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik' },
          algorithms: ['EdDSA', 'Ed25519'],
        },
      ],
    });
  });

  it('resolves a relative #fragment kid against the DID', () => {
    const result = selectVerificationKeys(document, { did: DID, kid: `#${KEY_ID}`, relationship: 'authentication' });
    expect(result.ok && result.keys.map((key) => key.id)).toEqual([`${DID}#${KEY_ID}`]);
  });

  it('never follows a kid of another DID', () => {
    const other = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG';
    expect(selectVerificationKeys(document, { did: DID, kid: `${other}#${KEY_ID}`, relationship: 'assertionMethod' })).toEqual({
      ok: false,
      code: 'did.key_not_found',
      detail: 'the kid names another DID than the signer',
    });
  });

  it('does not find a key that is only in keyAgreement', () => {
    for (const relationship of ['assertionMethod', 'authentication'] as const) {
      expect(selectVerificationKeys(document, { did: DID, kid: `${DID}#${X25519_ID}`, relationship })).toEqual({
        ok: false,
        code: 'did.key_not_found',
        detail: `the key named by kid is not listed in ${relationship}`,
      });
    }
  });

  it.each([
    ['an unknown fragment', `${DID}#nope`, 'no verification method matches kid'],
    ['a kid that is not a DID URL', KEY_ID, 'the kid is not a DID URL'],
    ['a kid with a bad fragment', `${DID}#a b`, 'the kid is not a DID URL'],
    ['an oversized kid', `${DID}#${'a'.repeat(9000)}`, 'the kid is not a DID URL'],
    ['a case variant of the DID', `${DID.replace('did:key', 'did:KEY')}#${KEY_ID}`, 'the kid is not a DID URL'],
  ])('answers did.key_not_found for %s', (_label, kid, detail) => {
    expect(selectVerificationKeys(document, { did: DID, kid, relationship: 'assertionMethod' })).toEqual({
      ok: false,
      code: 'did.key_not_found',
      detail,
    });
  });

  it('treats a kid equal to the bare DID like no kid', () => {
    const result = selectVerificationKeys(document, { did: DID, kid: DID, relationship: 'assertionMethod' });
    expect(result.ok && result.keys.map((key) => key.id)).toEqual([`${DID}#${KEY_ID}`]);
  });

  it('does not use a method that is defined but in no relationship', () => {
    const doc = webDocument({
      verificationMethod: [{ id: `${WEB}#k1`, type: 'JsonWebKey2020', controller: WEB, publicKeyJwk: ED_JWK }],
    });
    expect(selectVerificationKeys(doc, { did: WEB, kid: '#k1', relationship: 'assertionMethod' })).toMatchObject({
      ok: false,
      detail: 'the key named by kid is not listed in assertionMethod',
    });
  });

  it('does not follow a reference to another DID document', () => {
    const doc = webDocument({ assertionMethod: ['did:web:other.example#k1'] });
    expect(selectVerificationKeys(doc, { did: WEB, kid: 'did:web:other.example#k1', relationship: 'assertionMethod' })).toMatchObject({
      ok: false,
      detail: 'the kid names another DID than the signer',
    });
    expect(selectVerificationKeys(doc, { did: WEB, relationship: 'assertionMethod' })).toMatchObject({ ok: false, code: 'did.key_not_found' });
  });

  it('does not find a referenced method the document does not define', () => {
    const doc = webDocument({ assertionMethod: [`${WEB}#ghost`] });
    expect(selectVerificationKeys(doc, { did: WEB, kid: '#ghost', relationship: 'assertionMethod' })).toEqual({
      ok: false,
      code: 'did.key_not_found',
      detail: 'the key named by kid is not defined in the DID document',
    });
  });

  it('refuses a method whose JWK holds a private key', () => {
    const doc = webDocument({
      verificationMethod: [{ id: `${WEB}#k1`, type: 'JsonWebKey2020', controller: WEB, publicKeyJwk: { ...ED_JWK, d: 'AAAA' } }],
      assertionMethod: [`${WEB}#k1`],
    });
    expect(selectVerificationKeys(doc, { did: WEB, kid: '#k1', relationship: 'assertionMethod' })).toEqual({
      ok: false,
      code: 'did.key_not_found',
      detail: 'publicKeyJwk: the JWK contains private key material',
    });
  });

  it('refuses a document that is not the signer’s', () => {
    expect(selectVerificationKeys(document, { did: WEB, kid: `${WEB}#${KEY_ID}`, relationship: 'assertionMethod' })).toEqual({
      ok: false,
      code: 'did.key_not_found',
      detail: 'the DID document does not describe the signer',
    });
  });
});

describe('selectVerificationKeys without a kid', () => {
  it('returns every usable method of the relationship, at most 8, in document order', () => {
    const methods = Array.from({ length: 10 }, (_, i) => ({
      id: `#k${i}`,
      type: 'Multikey',
      controller: WEB,
      publicKeyMultibase: encodeMultibaseKey('ed25519-pub', ed25519.getPublicKey(new Uint8Array(32).fill(i + 1))),
    }));
    const doc = webDocument({ verificationMethod: methods, assertionMethod: methods.map((method) => method.id) });
    const result = selectVerificationKeys(doc, { did: WEB, relationship: 'assertionMethod' });
    expect(MAX_CANDIDATE_KEYS).toBe(8);
    expect(result.ok && result.keys.map((key) => key.id)).toEqual(methods.slice(0, 8).map((method) => `${WEB}${method.id}`));
  });

  it('skips methods it cannot read and answers did.key_not_found when none is left', () => {
    const doc = webDocument({
      verificationMethod: [
        { id: `${WEB}#bad`, type: 'Bls12381G2Key2020', controller: WEB, publicKeyBase58: 'abc' },
        { id: `${WEB}#good`, type: 'JsonWebKey2020', controller: WEB, publicKeyJwk: ED_JWK },
      ],
      assertionMethod: [`${WEB}#bad`, `${WEB}#good`, `${WEB}#good`],
      authentication: [`${WEB}#bad`],
    });
    const assertion = selectVerificationKeys(doc, { did: WEB, relationship: 'assertionMethod' });
    expect(assertion.ok && assertion.keys.map((key) => key.id)).toEqual([`${WEB}#good`]);
    expect(selectVerificationKeys(doc, { did: WEB, relationship: 'authentication' })).toEqual({
      ok: false,
      code: 'did.key_not_found',
      detail: 'no usable key in authentication',
    });
  });

  it('finds nothing in an X25519 did:key for assertions', () => {
    const did = 'did:key:z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevfNQgQjQC23ZCit6F';
    expect(selectVerificationKeys(didKeyDocument(did), { did, relationship: 'assertionMethod' })).toMatchObject({
      ok: false,
      code: 'did.key_not_found',
    });
  });

  it('survives a document of the wrong shape', () => {
    const garbage = {
      id: WEB,
      verificationMethod: 'nope',
      assertionMethod: [42, null, ['x'], { type: 'JsonWebKey2020' }, { id: 7 }],
      authentication: { id: 'x' },
    } as unknown as DidDocument;
    expect(selectVerificationKeys(garbage, { did: WEB, relationship: 'assertionMethod' })).toMatchObject({ ok: false, code: 'did.key_not_found' });
    expect(selectVerificationKeys(garbage, { did: WEB, relationship: 'authentication' })).toMatchObject({ ok: false, code: 'did.key_not_found' });
    expect(selectVerificationKeys(null as unknown as DidDocument, { did: WEB, relationship: 'authentication' })).toMatchObject({ ok: false });
  });
});

describe('verification method encodings', () => {
  const select = (method: Record<string, unknown>) =>
    selectVerificationKeys(webDocument({ assertionMethod: [{ id: `${WEB}#k`, controller: WEB, ...method } as never] }), {
      did: WEB,
      kid: `${WEB}#k`,
      relationship: 'assertionMethod',
    });

  it('reads an embedded method with a relative id', () => {
    const result = selectVerificationKeys(webDocument({ assertionMethod: [{ id: '#k', type: 'JsonWebKey2020', controller: WEB, publicKeyJwk: ED_JWK }] }), {
      did: WEB,
      kid: '#k',
      relationship: 'assertionMethod',
    });
    expect(result.ok && result.keys[0]).toMatchObject({ id: `${WEB}#k`, jwk: ED_JWK });
  });

  it('reads Multikey, Ed25519VerificationKey2020 and Ed25519VerificationKey2018 to the same key', () => {
    const multibase = encodeMultibaseKey('ed25519-pub', ED_PUBLIC);
    for (const method of [
      { type: 'Multikey', publicKeyMultibase: multibase },
      { type: 'Ed25519VerificationKey2020', publicKeyMultibase: multibase },
      { type: 'Ed25519VerificationKey2018', publicKeyBase58: encodeBase58btc(ED_PUBLIC) },
      { type: 'JsonWebKey', publicKeyJwk: ED_JWK },
    ]) {
      expect({ type: method.type, result: select(method) }).toEqual({
        type: method.type,
        result: { ok: true, keys: [{ id: `${WEB}#k`, controller: WEB, jwk: ED_JWK, algorithms: ['EdDSA', 'Ed25519'] }] },
      });
    }
  });

  it('reads EcdsaSecp256k1VerificationKey2019 with a JWK, and with base58', () => {
    const publicKey = secp256k1.getPublicKey(new Uint8Array(32).fill(7), true);
    const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
    const jwk = {
      kty: 'EC',
      crv: 'secp256k1',
      x: Buffer.from(uncompressed.subarray(1, 33)).toString('base64url'),
      y: Buffer.from(uncompressed.subarray(33)).toString('base64url'),
    };
    const expected = { ok: true, keys: [{ id: `${WEB}#k`, controller: WEB, jwk, algorithms: ['ES256K'] }] };
    expect(select({ type: 'EcdsaSecp256k1VerificationKey2019', publicKeyJwk: jwk })).toEqual(expected);
    expect(select({ type: 'EcdsaSecp256k1VerificationKey2019', publicKeyBase58: encodeBase58btc(publicKey) })).toEqual(expected);
  });

  it.each([
    ['a multikey its type does not allow', { type: 'Ed25519VerificationKey2020', publicKeyMultibase: encodeMultibaseKey('x25519-pub', ED_PUBLIC) }],
    ['publicKeyMultibase on an unknown type', { type: 'Whatever2030', publicKeyMultibase: encodeMultibaseKey('ed25519-pub', ED_PUBLIC) }],
    ['two key encodings', { type: 'Multikey', publicKeyMultibase: encodeMultibaseKey('ed25519-pub', ED_PUBLIC), publicKeyJwk: ED_JWK }],
    ['no key', { type: 'Multikey' }],
    ['no type', { publicKeyJwk: ED_JWK }],
    ['bad base58', { type: 'Ed25519VerificationKey2018', publicKeyBase58: '0OIl' }],
  ])('does not find %s', (_label, method) => {
    expect(select(method)).toMatchObject({ ok: false, code: 'did.key_not_found' });
  });

  it('uses the DID as controller when the method names none', () => {
    const result = selectVerificationKeys(webDocument({ assertionMethod: [{ id: '#k', type: 'JsonWebKey2020', publicKeyJwk: ED_JWK } as never] }), {
      did: WEB,
      relationship: 'assertionMethod',
    });
    expect(result.ok && result.keys[0]?.controller).toBe(WEB);
  });
});

describe('algorithm allow-lists of selected keys', () => {
  const algorithmsOf = (publicKeyJwk: Record<string, unknown>) => {
    const result = selectVerificationKeys(webDocument({ assertionMethod: [{ id: '#k', type: 'JsonWebKey2020', controller: WEB, publicKeyJwk } as never] }), {
      did: WEB,
      relationship: 'assertionMethod',
    });
    if (!result.ok) throw new Error(result.detail);
    return result.keys[0]?.algorithms;
  };

  it('derives the allow-list from the key type', async () => {
    expect(algorithmsOf(ED_JWK)).toEqual(['EdDSA', 'Ed25519']);
    expect(algorithmsOf(await exportJWK((await generateKeyPair('ES256')).publicKey))).toEqual(['ES256']);
    expect(algorithmsOf(await exportJWK((await generateKeyPair('ES384')).publicKey))).toEqual(['ES384']);
    expect(algorithmsOf(await exportJWK((await generateKeyPair('RS256')).publicKey))).toEqual(['RS256', 'PS256', 'RS384', 'PS384', 'RS512', 'PS512']);
  });

  it('gives X25519 and RSA keys under 2048 bits nothing', () => {
    expect(algorithmsOf({ kty: 'OKP', crv: 'X25519', x: ED_JWK.x })).toEqual([]);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(algorithmsOf(weak)).toEqual([]);
  });

  it('narrows the allow-list by the JWK’s alg, use and key_ops', async () => {
    const rsa = await exportJWK((await generateKeyPair('PS256')).publicKey);
    expect(algorithmsOf({ ...rsa, alg: 'PS256' })).toEqual(['PS256']);
    expect(algorithmsOf({ ...ED_JWK, alg: 'EdDSA' })).toEqual(['EdDSA', 'Ed25519']);
    expect(algorithmsOf({ ...ED_JWK, alg: 'ES256' })).toEqual([]);
    expect(algorithmsOf({ ...ED_JWK, use: 'enc' })).toEqual([]);
    expect(algorithmsOf({ ...ED_JWK, use: 'sig' })).toEqual(['EdDSA', 'Ed25519']);
    expect(algorithmsOf({ ...ED_JWK, key_ops: ['encrypt'] })).toEqual([]);
    expect(algorithmsOf({ ...ED_JWK, key_ops: ['verify'] })).toEqual(['EdDSA', 'Ed25519']);
  });
});
