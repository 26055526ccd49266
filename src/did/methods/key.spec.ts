import { describe, expect, it } from '@jest/globals';
import { p256 } from '@noble/curves/nist.js';
import { decodeBase58btc, encodeBase58btc } from '../base58btc.js';
import { loadDidKeyVectors } from '../__fixtures__/did-key-vectors.js';
import type { DidDocument, VerificationMethod } from '../did-document.js';
import { DidResolutionError } from '../did-method-resolver.js';
import { encodeMultibaseKey } from '../multikey.js';
import { selectVerificationKeys } from '../select-verification-keys.js';
import { DidKeyResolver, didKeyDocument } from './key.js';

const vectors = loadDidKeyVectors();
const KEY_MATERIAL = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;
const SIGNING_RELATIONSHIPS = ['authentication', 'assertionMethod', 'capabilityInvocation', 'capabilityDelegation'] as const;

function keyMaterial(jwk: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(KEY_MATERIAL.filter((member) => jwk?.[member] !== undefined).map((member) => [member, jwk?.[member]]));
}

/** The raw public key a published method holds, when it is given as base58 (compressed for EC keys). */
function rawKeyOfMethod(method: VerificationMethod): Uint8Array {
  const raw = decodeBase58btc(method.publicKeyBase58 as string);
  if (!raw) throw new Error(`vector method ${method.id} has no base58 key`);
  return raw;
}

/** Our JWK, as the raw bytes a base58 vector gives: OKP x, or a SEC 1 compressed EC point. */
function rawKeyOfJwk(jwk: Record<string, unknown>): Uint8Array {
  const x = Buffer.from(jwk.x as string, 'base64url');
  if (jwk.kty === 'OKP') return new Uint8Array(x);
  const y = Buffer.from(jwk.y as string, 'base64url');
  return Uint8Array.from([(y.at(-1) as number) & 1 ? 0x03 : 0x02, ...x]);
}

function methodById(document: DidDocument, id: string): VerificationMethod | undefined {
  return document.verificationMethod?.find((method) => method.id === id);
}

describe('did:key against the published test vectors (w3c-ccg/did-method-key f5abee8)', () => {
  it('loads every vector file, all 24 DIDs', () => {
    expect(new Set(vectors.map((vector) => vector.file))).toEqual(
      new Set(['ed25519-x25519.json', 'x25519.json', 'nist-curves.json', 'secp256k1.json', 'rsa.json']),
    );
    expect(vectors).toHaveLength(24);
  });

  describe.each(vectors.map((vector) => [`${vector.file} ${vector.did.slice(0, 40)}…`, vector] as const))('%s', (_name, vector) => {
    const document = didKeyDocument(vector.did);

    it('has the same verification method ids and key material', () => {
      expect(document.id).toBe(vector.did);
      const expectedMethods = vector.document.verificationMethod ?? [];
      expect(document.verificationMethod?.map((method) => method.id)).toEqual(expectedMethods.map((method) => method.id));
      for (const expected of expectedMethods) {
        const ours = methodById(document, expected.id);
        expect(ours?.type).toBe('JsonWebKey2020');
        expect(ours?.controller).toBe(vector.did);
        const jwk = ours?.publicKeyJwk as Record<string, unknown>;
        if (expected.publicKeyJwk) {
          expect(keyMaterial(jwk)).toEqual(keyMaterial(expected.publicKeyJwk as Record<string, unknown>));
        } else {
          expect(rawKeyOfJwk(jwk)).toEqual(rawKeyOfMethod(expected));
        }
      }
    });

    it('lists the keys in the same relationships (key agreement only for X25519 keys)', () => {
      for (const relationship of SIGNING_RELATIONSHIPS) {
        expect({ relationship, ids: document[relationship] }).toEqual({ relationship, ids: vector.document[relationship] });
      }
      const agreementKeys = (vector.document.keyAgreement ?? []).filter((id) => {
        const method = methodById(vector.document, id as string);
        return method?.type.startsWith('X25519') || method?.publicKeyJwk?.crv === 'X25519';
      });
      expect(document.keyAgreement ?? []).toEqual(agreementKeys);
    });

    it('gives the same signing key as the published document', () => {
      const fromVector = selectVerificationKeys(vector.document, { did: vector.did, relationship: 'assertionMethod' });
      const fromOurs = selectVerificationKeys(document, { did: vector.did, relationship: 'assertionMethod' });
      if (vector.file === 'x25519.json') {
        expect(fromOurs).toMatchObject({ ok: false, code: 'did.key_not_found' });
        return;
      }
      if (!fromVector.ok || !fromOurs.ok) throw new Error(`no signing key: ${JSON.stringify([fromVector, fromOurs])}`);
      expect(fromOurs.keys.map((key) => key.jwk)).toEqual(fromVector.keys.map((key) => key.jwk));
      expect(fromOurs.keys[0]?.algorithms.length).toBeGreaterThan(0);
    });
  });

  it('derives the X25519 key agreement key of Ed25519 keys as the vectors do', () => {
    const ed25519 = vectors.filter((vector) => vector.file === 'ed25519-x25519.json');
    expect(ed25519).toHaveLength(5);
    for (const vector of ed25519) {
      expect(didKeyDocument(vector.did).keyAgreement).toEqual(vector.document.keyAgreement);
    }
  });
});

describe('did:key documents', () => {
  const ed25519Did = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';

  it('lists an X25519 did:key in keyAgreement only', () => {
    const did = 'did:key:z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevfNQgQjQC23ZCit6F';
    const document = didKeyDocument(did);
    expect(document.keyAgreement).toEqual([`${did}#z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevfNQgQjQC23ZCit6F`]);
    for (const relationship of SIGNING_RELATIONSHIPS) expect(document[relationship]).toBeUndefined();
  });

  it.each([
    ['not did:key', 'did:jwk:abc', 'not a did:key'],
    ['a DID URL', `${ed25519Did}#x`, 'not a did:key'],
    ['a versioned did:key', 'did:key:1.0:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', 'unsupported did:key version'],
    ['not base58btc multibase', 'did:key:f6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', 'invalid did:key: the key is not base58btc multibase'],
    ['a non-base58 character', 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0', 'invalid did:key: the key is not valid base58btc'],
    ['a truncated key', `did:key:${encodeMultibaseKey('ed25519-pub', new Uint8Array(31))}`, 'invalid did:key: invalid ed25519-pub key length'],
    ['an unknown multicodec', `did:key:${encodeMultibaseKey('ed25519-pub', new Uint8Array(32)).replace(/^z6Mk/, 'z6Lk')}`, undefined],
  ])('refuses %s', (_label, did, detail) => {
    expect(() => didKeyDocument(did)).toThrow(DidResolutionError);
    if (detail) expect(() => didKeyDocument(did)).toThrow(detail);
  });

  it('refuses an uncompressed P-256 key', () => {
    const point = p256.Point.BASE.multiply(7n);
    expect(didKeyDocument(`did:key:${encodeMultibaseKey('p256-pub', point.toBytes(true))}`).id).toMatch(/^did:key:zDn/);
    expect(() => didKeyDocument(`did:key:${encodeMultibaseKey('p256-pub', point.toBytes(false))}`)).toThrow('invalid p256-pub key length');
  });

  it('refuses a P-256 x coordinate that has no point on the curve', () => {
    // About half of all x values have no point; take the first small one.
    const compressed = new Uint8Array(33);
    compressed[0] = 0x02;
    for (let x = 1; x < 256; x++) {
      compressed[32] = x;
      try {
        p256.Point.fromBytes(compressed);
      } catch {
        break;
      }
    }
    expect(() => p256.Point.fromBytes(compressed)).toThrow();
    expect(() => didKeyDocument(`did:key:${encodeMultibaseKey('p256-pub', compressed)}`)).toThrow('invalid p256-pub key');
  });

  it('refuses a non-minimal multicodec varint, so one key has one DID', () => {
    const bytes = decodeBase58btc(ed25519Did.slice('did:key:z'.length)) as Uint8Array;
    expect([bytes[0], bytes[1]]).toEqual([0xed, 0x01]);
    const padded = Uint8Array.from([0xed, 0x81, 0x00, ...bytes.subarray(2)]);
    expect(() => didKeyDocument(`did:key:z${encodeBase58btc(padded)}`)).toThrow('no valid multicodec header');
  });
});

describe('DidKeyResolver', () => {
  const did = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';

  it('returns the same frozen document from its cache', async () => {
    const resolver = new DidKeyResolver();
    const first = await resolver.resolve(did);
    expect(await resolver.resolve(did)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.verificationMethod?.[0]?.publicKeyJwk)).toBe(true);
  });

  it('keeps at most cacheSize documents', async () => {
    const resolver = new DidKeyResolver({ cacheSize: 3 });
    for (const vector of vectors) await resolver.resolve(vector.did);
    expect(resolver.cachedDocuments).toBe(3);
  });

  it('rejects with DidResolutionError and caches nothing for an invalid did:key', async () => {
    const resolver = new DidKeyResolver();
    await expect(resolver.resolve('did:key:zzz')).rejects.toBeInstanceOf(DidResolutionError);
    expect(resolver.cachedDocuments).toBe(0);
  });
});
