/**
 * Issue 11 finding 4: Ed25519 small-order keys and non-canonical signatures,
 * with the published vectors of "Taming the many EdDSAs" (test/vectors/
 * ed25519-speccheck, unmodified) and RFC 8032 §7.1 (test/vectors/rfc8032).
 *
 * Regression: on the commit before, parsePublicJwk and rawPublicKeyToJwk
 * accepted the neutral element and the order-8 key of speccheck case 0, and
 * case 0 (R = small, S = 0) verified: a signature with no private key behind it.
 */
import { describe, expect, it } from '@jest/globals';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { p256 } from '@noble/curves/nist.js';
import { bytesToBase58 } from 'did-jwt';
import { ed25519KeyProblem, isCanonicalEd25519Signature } from '../../src/crypto/curve-points.js';
import { verifyJwsSignature } from '../../src/crypto/node-signatures.js';
import { parsePublicJwk } from '../../src/crypto/public-jwk.js';
import { rawPublicKeyToJwk } from '../../src/crypto/raw-public-key.js';
import { DidJwkResolver } from '../../src/did/methods/jwk.js';
import { DidKeyResolver } from '../../src/did/methods/key.js';
import { selectVerificationKeys } from '../../src/did/select-verification-keys.js';

interface SpeccheckCase {
  message: string;
  pub_key: string;
  signature: string;
}
const SPECCHECK = JSON.parse(readFileSync(new URL('../vectors/ed25519-speccheck/cases.json', import.meta.url), 'utf8')) as SpeccheckCase[];
const RFC8032 = JSON.parse(readFileSync(new URL('../vectors/rfc8032/ed25519-section-7.1.json', import.meta.url), 'utf8')) as {
  vectors: Array<{ name: string; publicKey: string; message: string; signature: string }>;
};

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const nodeKey = (pub: Uint8Array) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(pub) }, format: 'jwk' });

/** The neutral element (0, 1), its non-canonical spelling y = p + 1, and "negative zero" (x = 0 with the sign bit). */
const IDENTITY = hex('0100000000000000000000000000000000000000000000000000000000000000');
const IDENTITY_NON_CANONICAL = hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
const NEGATIVE_ZERO = hex('0100000000000000000000000000000000000000000000000000000000000080');
/** The points of order 2, 4 and 8 (their canonical encodings; cf. speccheck case 0's key). */
const LOW_ORDER = [
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
].map(hex);

const didKeyOf = (pub: Uint8Array): string => `did:key:z${bytesToBase58(Uint8Array.from([0xed, 0x01, ...pub]))}`;
const didJwkOf = (pub: Uint8Array): string => `did:jwk:${Buffer.from(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: b64u(pub) })).toString('base64url')}`;

describe('Ed25519 keys: small order, non-canonical, mixed order are refused wherever a key enters', () => {
  it.each([IDENTITY, IDENTITY_NON_CANONICAL, NEGATIVE_ZERO, ...LOW_ORDER].map((k) => [Buffer.from(k).toString('hex'), k] as const))('%s', async (_hex, key) => {
    expect(ed25519KeyProblem(key)).toEqual(expect.any(String));
    expect(parsePublicJwk({ kty: 'OKP', crv: 'Ed25519', x: b64u(key) })).toMatchObject({ ok: false });
    expect(rawPublicKeyToJwk('Ed25519', key)).toBeNull();
    await expect(new DidKeyResolver().resolve(didKeyOf(key))).rejects.toThrow();
    await expect(new DidJwkResolver().resolve(didJwkOf(key))).rejects.toThrow();
  });

  it('a did:web-style document naming a small-order key by publicKeyJwk or publicKeyMultibase yields no usable key', () => {
    const did = 'did:web:issuer.example.com';
    for (const method of [
      { id: `${did}#k`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: b64u(IDENTITY) } },
      { id: `${did}#k`, type: 'Multikey', controller: did, publicKeyMultibase: `z${bytesToBase58(Uint8Array.from([0xed, 0x01, ...LOW_ORDER[3]!]))}` },
    ]) {
      const selection = selectVerificationKeys({ id: did, verificationMethod: [method], assertionMethod: [`${did}#k`] } as never, {
        did,
        kid: `${did}#k`,
        relationship: 'assertionMethod',
      });
      expect(selection.ok ? selection.keys : []).toEqual([]);
    }
  });

  it('the forged signature of a small-order key (R = identity, S = 0) would verify in the library, which is why the key is refused first', async () => {
    const forged = new Uint8Array(64);
    forged.set(IDENTITY, 0);
    // node:crypto (OpenSSL) accepts it: the defence must be at the key, not the library.
    const { verify } = await import('node:crypto');
    expect(verify(null, Buffer.from('any message'), nodeKey(IDENTITY), forged)).toBe(true);
    expect(ed25519KeyProblem(IDENTITY)).toBeDefined();
  });
});

describe('"Taming the many EdDSAs" vectors (novifinancial/ed25519-speccheck cases.json): kparty accepts none', () => {
  it('has the 12 published cases', () => expect(SPECCHECK).toHaveLength(12));

  it.each(SPECCHECK.map((c, i) => [i, c] as const))('case %i is refused at the key or at the signature', async (index, c) => {
    const pub = hex(c.pub_key);
    const keyProblem = ed25519KeyProblem(pub);
    if (keyProblem !== undefined) {
      expect([0, 1, 2, 3, 4, 5, 8, 9, 10, 11]).toContain(index);
      return;
    }
    // Cases 6 and 7: a full-order key, but S ≥ L.
    expect([6, 7]).toContain(index);
    expect(isCanonicalEd25519Signature(hex(c.signature))).toBe(false);
    await expect(verifyJwsSignature('EdDSA', hex(c.message), nodeKey(pub), hex(c.signature))).resolves.toBe(false);
  });
});

describe('RFC 8032 §7.1: honest keys and signatures still verify', () => {
  it.each(RFC8032.vectors.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const pub = hex(v.publicKey);
    expect(ed25519KeyProblem(pub)).toBeUndefined();
    expect(parsePublicJwk({ kty: 'OKP', crv: 'Ed25519', x: b64u(pub) })).toMatchObject({ ok: true });
    await expect(verifyJwsSignature('EdDSA', hex(v.message), nodeKey(pub), hex(v.signature))).resolves.toBe(true);
    // S + L: the same signature, non-canonical — refused.
    const signature = hex(v.signature);
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i]!);
    s += 2n ** 252n + 27742317777372353535851937790883648493n;
    const malleated = Uint8Array.from(signature);
    for (let i = 32; i < 64; i++) {
      malleated[i] = Number(s & 0xffn);
      s >>= 8n;
    }
    await expect(verifyJwsSignature('EdDSA', hex(v.message), nodeKey(pub), malleated)).resolves.toBe(false);
  });
});

describe('signature canonicality (byte checks on every verification)', () => {
  it('refuses R with y ≥ p and S ≥ L, accepts the RFC 8032 signatures', () => {
    for (const v of RFC8032.vectors) expect(isCanonicalEd25519Signature(hex(v.signature))).toBe(true);
    const good = hex(RFC8032.vectors[0]!.signature);
    const nonCanonicalR = Uint8Array.from(good);
    nonCanonicalR.set(IDENTITY_NON_CANONICAL, 0);
    expect(isCanonicalEd25519Signature(nonCanonicalR)).toBe(false);
    const sEqualsL = Uint8Array.from(good);
    sEqualsL.set(hex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010'), 32);
    expect(isCanonicalEd25519Signature(sEqualsL)).toBe(false);
    const sBelowL = Uint8Array.from(good);
    sBelowL.set(hex('ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010'), 32);
    expect(isCanonicalEd25519Signature(sBelowL)).toBe(true);
    expect(isCanonicalEd25519Signature(good.subarray(0, 63))).toBe(false);
  });
});

describe('other curves: points on the curve, never the identity; X25519 never signs', () => {
  it('refuses an EC point off the curve and the P-256 identity', () => {
    const g = p256.Point.BASE.toBytes(false);
    const off = Uint8Array.from(g);
    off[64] = (off[64] ?? 0) ^ 1;
    expect(parsePublicJwk({ kty: 'EC', crv: 'P-256', x: b64u(off.subarray(1, 33)), y: b64u(off.subarray(33)) })).toMatchObject({ ok: false });
    expect(rawPublicKeyToJwk('P-256', off)).toBeNull();
    expect(parsePublicJwk({ kty: 'EC', crv: 'P-256', x: b64u(new Uint8Array(32)), y: b64u(new Uint8Array(32)) })).toMatchObject({ ok: false });
    expect(rawPublicKeyToJwk('P-256', Uint8Array.from([0x04, ...new Uint8Array(64)]))).toBeNull();
  });

  it('an X25519 key yields no signature algorithm, so no key to verify with', () => {
    const did = 'did:web:issuer.example.com';
    const selection = selectVerificationKeys(
      {
        id: did,
        verificationMethod: [
          {
            id: `${did}#x`,
            type: 'JsonWebKey2020',
            controller: did,
            publicKeyJwk: { kty: 'OKP', crv: 'X25519', x: '3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08' },
          },
        ],
        assertionMethod: [`${did}#x`],
      } as never,
      { did, kid: `${did}#x`, relationship: 'assertionMethod' },
    );
    expect(selection.ok).toBe(true);
    expect((selection.ok ? selection.keys : []).map((key) => key.algorithms)).toEqual([[]]);
  });
});
