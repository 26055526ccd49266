import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ImportedKeyCache } from './imported-key-cache.js';
import { sharedImportedKeyCache, verifyCompactJws } from './jws-verifier.js';
import { parsePublicJwk } from './public-jwk.js';
import { signatureAlgorithms } from './signature-algorithms.js';
import type { VerificationKey } from './verification-key.js';

const PAYLOAD = new TextEncoder().encode(JSON.stringify({ iss: 'did:example:issuer', nonce: 'n-0S6_WzA2Mj' }));
const b64 = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');
const b64json = (value: unknown): string => b64(JSON.stringify(value));

function verificationKey(jwk: unknown, id = 'did:example:issuer#key-1'): VerificationKey {
  const parsed = parsePublicJwk(jwk);
  if (!parsed.ok) throw new Error(parsed.detail);
  return { id, controller: 'did:example:issuer', jwk: parsed.jwk, algorithms: signatureAlgorithms(parsed.jwk, parsed.usage) };
}

interface Signer {
  alg: string;
  key: VerificationKey;
  publicJwk: JWK;
  sign(header: Record<string, unknown>, payload?: Uint8Array): Promise<string>;
}

async function joseSigner(alg: string, generateAs: string = alg): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair(generateAs);
  const publicJwk = await exportJWK(publicKey);
  return {
    alg,
    key: verificationKey(publicJwk),
    publicJwk,
    sign: (header, payload = PAYLOAD) =>
      new CompactSign(payload)
        .setProtectedHeader({ alg, ...header })
        .sign(privateKey as CryptoKey, { crit: Object.fromEntries(((header.crit as string[]) ?? []).map((name) => [name, true])) }),
  };
}

/** ES256K by hand (jose 6 has no secp256k1), as a wallet using @noble/curves would sign. */
function es256kSigner(secretKey = secp256k1.utils.randomSecretKey()): Signer & { secretKey: Uint8Array } {
  const point = secp256k1.Point.fromBytes(secp256k1.getPublicKey(secretKey, false)).toBytes(false);
  const publicJwk = { kty: 'EC', crv: 'secp256k1', x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)) };
  return {
    alg: 'ES256K',
    secretKey,
    key: verificationKey(publicJwk),
    publicJwk,
    sign: async (header, payload = PAYLOAD) => {
      const signingInput = `${b64json({ alg: 'ES256K', ...header })}.${b64(payload)}`;
      const signature = secp256k1.sign(new TextEncoder().encode(signingInput), secretKey, { prehash: true });
      return `${signingInput}.${b64(signature)}`;
    },
  };
}

function tamperPayload(compact: string): string {
  const [header, , signature] = compact.split('.');
  return `${header}.${b64json({ iss: 'did:example:mallory' })}.${signature}`;
}

const signers: Array<[string, () => Promise<Signer>]> = [
  ['EdDSA (Ed25519)', () => joseSigner('EdDSA', 'Ed25519')],
  ['Ed25519 (fully-specified alg)', () => joseSigner('Ed25519')],
  ['ES256', () => joseSigner('ES256')],
  ['ES384', () => joseSigner('ES384')],
  ['ES512', () => joseSigner('ES512')],
  ['RS256', () => joseSigner('RS256')],
  ['PS256', () => joseSigner('PS256')],
  ['ES256K', async () => es256kSigner()],
];

describe.each(signers)('verifyCompactJws, %s', (_name, makeSigner) => {
  it('accepts a valid signature and returns payload and header', async () => {
    const signer = await makeSigner();
    const result = await verifyCompactJws(await signer.sign({ typ: 'vc+jwt', kid: signer.key.id }), signer.key);
    expect(result).toEqual({ ok: true, payload: PAYLOAD, header: { alg: signer.alg, typ: 'vc+jwt', kid: signer.key.id } });
  });

  it('answers signature_invalid for a tampered payload', async () => {
    const signer = await makeSigner();
    const result = await verifyCompactJws(tamperPayload(await signer.sign({})), signer.key);
    expect(result).toMatchObject({ ok: false, reason: 'signature_invalid', detail: 'the signature does not verify' });
  });

  it('answers signature_invalid for a signature by another key', async () => {
    const [signer, other] = [await makeSigner(), await makeSigner()];
    expect(await verifyCompactJws(await other.sign({}), signer.key)).toMatchObject({ ok: false, reason: 'signature_invalid' });
  });

  it('answers alg_forbidden for alg "none"', async () => {
    const signer = await makeSigner();
    const unsecured = `${b64json({ alg: 'none' })}.${b64(PAYLOAD)}.`;
    expect(await verifyCompactJws(unsecured, signer.key)).toEqual({
      ok: false,
      reason: 'alg_forbidden',
      detail: 'alg "none" is not allowed for this key',
    });
  });

  it('answers alg_forbidden for HS256 keyed with the public key (algorithm confusion)', async () => {
    const signer = await makeSigner();
    for (const secret of [JSON.stringify(signer.publicJwk), signer.publicJwk.x ?? signer.publicJwk.n ?? '']) {
      const forged = await new CompactSign(PAYLOAD).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
      expect(await verifyCompactJws(forged, signer.key)).toMatchObject({ ok: false, reason: 'alg_forbidden' });
    }
  });

  it('answers signature_invalid for a crit header it does not understand, even when the signature is valid', async () => {
    const signer = await makeSigner();
    const compact = await signer.sign({ crit: ['urn:example:policy'], 'urn:example:policy': 'strict' });
    expect(await verifyCompactJws(compact, signer.key)).toEqual({
      ok: false,
      reason: 'signature_invalid',
      detail: 'the JWS names critical header parameters kparty does not support',
    });
  });

  it('ignores a jwk header: the key is the one the caller chose', async () => {
    const [signer, attacker] = [await makeSigner(), await makeSigner()];
    const compact = await attacker.sign({ jwk: attacker.publicJwk, jku: 'https://attacker.example/jwks', x5u: 'https://attacker.example/cert' });
    expect(await verifyCompactJws(compact, signer.key)).toMatchObject({ ok: false, reason: 'signature_invalid' });
  });
});

describe('verifyCompactJws, algorithm and key checks', () => {
  it('answers alg_forbidden for an alg that does not fit the key (ES256 header, Ed25519 key)', async () => {
    const ed = await joseSigner('EdDSA', 'Ed25519');
    const es = await joseSigner('ES256');
    const compact = await es.sign({});
    expect(await verifyCompactJws(compact, ed.key)).toEqual({ ok: false, reason: 'alg_forbidden', detail: 'alg "ES256" is not allowed for this key' });
  });

  it('answers alg_forbidden for an ES256K token against a P-256 key and vice versa', async () => {
    const k1 = es256kSigner();
    const p256 = await joseSigner('ES256');
    expect(await verifyCompactJws(await k1.sign({}), p256.key)).toMatchObject({ ok: false, reason: 'alg_forbidden' });
    const es256Header = `${b64json({ alg: 'ES256' })}.${b64(PAYLOAD)}.${b64(new Uint8Array(64))}`;
    expect(await verifyCompactJws(es256Header, k1.key)).toMatchObject({ ok: false, reason: 'alg_forbidden' });
  });

  it('answers alg_forbidden for any alg against an X25519 key', async () => {
    const ed = await joseSigner('EdDSA', 'Ed25519');
    const x25519 = verificationKey({ kty: 'OKP', crv: 'X25519', x: ed.publicJwk.x });
    expect(x25519.algorithms).toEqual([]);
    for (const compact of [await ed.sign({}), await ed.sign({}).then((c) => c.replace(/^[^.]+/, b64json({ alg: 'ECDH-ES' })))]) {
      expect(await verifyCompactJws(compact, x25519)).toMatchObject({ ok: false, reason: 'alg_forbidden' });
    }
  });

  it('answers alg_forbidden for an RSA key under 2048 bits, before any verification', async () => {
    const rs = await joseSigner('RS256');
    const weak = { ...rs.key, algorithms: signatureAlgorithms({ kty: 'RSA', n: b64(new Uint8Array(128).fill(0xff)), e: 'AQAB' }) };
    expect(weak.algorithms).toEqual([]);
    expect(await verifyCompactJws(await rs.sign({}), weak)).toMatchObject({ ok: false, reason: 'alg_forbidden' });
  });

  it('lets one RSA key verify RS256 and PS256 (one imported key for every algorithm)', async () => {
    // A node:crypto KeyObject, unlike a WebCrypto key, can sign with every RSA algorithm.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = verificationKey(publicKey.export({ format: 'jwk' }));
    const cache = new ImportedKeyCache(10);
    for (const alg of ['RS256', 'PS256', 'RS512', 'PS384']) {
      const compact = await new CompactSign(PAYLOAD).setProtectedHeader({ alg }).sign(privateKey);
      expect(await verifyCompactJws(compact, key, { keyCache: cache })).toMatchObject({ ok: true });
    }
    expect(cache.size).toBe(1);
  });

  it('answers signature_invalid for a DER-encoded ES256 signature (JWS signatures are R || S)', async () => {
    const signer = await joseSigner('ES256');
    const [header, payload, signature] = (await signer.sign({})).split('.') as [string, string, string];
    const raw = Buffer.from(signature, 'base64url');
    const integer = (bytes: Buffer): Buffer => {
      let start = 0;
      while (start < bytes.length - 1 && bytes[start] === 0) start++;
      const trimmed = bytes.subarray(start);
      return (trimmed[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
    };
    const [r, s] = [integer(raw.subarray(0, 32)), integer(raw.subarray(32))];
    const der = Buffer.concat([Buffer.from([0x30, r.length + s.length + 4, 0x02, r.length]), r, Buffer.from([0x02, s.length]), s]);
    expect(await verifyCompactJws(`${header}.${payload}.${b64(der)}`, signer.key)).toMatchObject({ ok: false, reason: 'signature_invalid' });
    expect(await verifyCompactJws(`${header}.${payload}.${b64(raw.subarray(0, 63))}`, signer.key)).toMatchObject({ ok: false, reason: 'signature_invalid' });
  });

  it('does not echo an odd alg value into the detail', async () => {
    const ed = await joseSigner('EdDSA', 'Ed25519');
    const compact = `${b64json({ alg: '<script>alert(1)</script>' })}.${b64(PAYLOAD)}.AAAA`;
    expect(await verifyCompactJws(compact, ed.key)).toEqual({ ok: false, reason: 'alg_forbidden', detail: 'the alg is not allowed for this key' });
  });
});

describe('verifyCompactJws, ES256K details', () => {
  it('accepts a high-S signature (RFC 8812 does not require low S; jose ES256 accepts both)', async () => {
    const signer = es256kSigner();
    const compact = await signer.sign({});
    const [header, payload, signature] = compact.split('.') as [string, string, string];
    const parsed = secp256k1.Signature.fromBytes(Buffer.from(signature, 'base64url'), 'compact');
    const highS = new secp256k1.Signature(parsed.r, secp256k1.Point.CURVE().n - parsed.s);
    expect(await verifyCompactJws(`${header}.${payload}.${b64(highS.toBytes('compact'))}`, signer.key)).toMatchObject({ ok: true });
  });

  it('answers signature_invalid for a DER or truncated signature', async () => {
    const signer = es256kSigner();
    const [header, payload, signature] = (await signer.sign({})).split('.') as [string, string, string];
    const der = secp256k1.Signature.fromBytes(Buffer.from(signature, 'base64url'), 'compact').toBytes('der');
    expect(await verifyCompactJws(`${header}.${payload}.${b64(der)}`, signer.key)).toMatchObject({ ok: false, reason: 'signature_invalid' });
    expect(await verifyCompactJws(`${header}.${payload}.${signature.slice(0, 40)}`, signer.key)).toMatchObject({ ok: false, reason: 'signature_invalid' });
    expect(await verifyCompactJws(`${header}.${payload}.${b64(new Uint8Array(64))}`, signer.key)).toMatchObject({ ok: false, reason: 'signature_invalid' });
  });

  it('answers malformed for a payload that is not base64url', async () => {
    const signer = es256kSigner();
    const [header, , signature] = (await signer.sign({})).split('.');
    expect(await verifyCompactJws(`${header}.a+b.${signature}`, signer.key)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('verifyCompactJws, typ', () => {
  it('accepts the expected typ, case-insensitively and with or without application/', async () => {
    const signer = await joseSigner('ES256');
    expect(await verifyCompactJws(await signer.sign({ typ: 'vc+jwt' }), signer.key, { typ: 'vc+jwt' })).toMatchObject({ ok: true });
    expect(await verifyCompactJws(await signer.sign({ typ: 'application/VC+JWT' }), signer.key, { typ: ['vp+jwt', 'vc+jwt'] })).toMatchObject({ ok: true });
  });

  it('answers malformed for another typ or none', async () => {
    const signer = await joseSigner('ES256');
    expect(await verifyCompactJws(await signer.sign({ typ: 'kb+jwt' }), signer.key, { typ: 'vc+jwt' })).toEqual({
      ok: false,
      reason: 'malformed',
      detail: 'unexpected JWS typ',
    });
    expect(await verifyCompactJws(await signer.sign({}), signer.key, { typ: 'vc+jwt' })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('verifyCompactJws, malformed input', () => {
  it.each([
    ['two parts', 'eyJhbGciOiJFUzI1NiJ9.e30'],
    ['four parts', 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA.AAAA'],
    ['a header that is not base64url', 'eyJhbGciOiJFUzI1NiJ9+.e30.AAAA'],
    ['a header that is not JSON', `${b64('alg=ES256')}.e30.AAAA`],
    ['a header that is a JSON array', `${b64json(['ES256'])}.e30.AAAA`],
    ['a header without alg', `${b64json({ typ: 'JWT' })}.e30.AAAA`],
    ['a header with a non-string alg', `${b64json({ alg: 7 })}.e30.AAAA`],
    ['an unencoded payload (b64: false)', `${b64json({ alg: 'ES256', b64: false })}.e30.AAAA`],
    ['a non-string', 42 as unknown as string],
    ['an empty string', ''],
  ])('answers malformed for %s', async (_label, compact) => {
    const signer = await joseSigner('ES256');
    expect(await verifyCompactJws(compact, signer.key)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('answers malformed, with the library error only as cause, for a signature jose cannot decode', async () => {
    const signer = await joseSigner('ES256');
    const [header, payload] = (await signer.sign({})).split('.');
    const result = await verifyCompactJws(`${header}.${payload}.!!!`, signer.key);
    expect(result).toMatchObject({ ok: false, reason: 'malformed', detail: 'the JWS is malformed' });
    expect(result.ok === false && result.cause).toBeInstanceOf(Error);
  });
});

describe('imported-key cache', () => {
  it('stays within its capacity and keeps verifying after evictions', async () => {
    const cache = new ImportedKeyCache(2);
    const signers = await Promise.all([1, 2, 3, 4, 5].map(() => joseSigner('ES256')));
    for (const signer of signers) {
      expect(await verifyCompactJws(await signer.sign({}), signer.key, { keyCache: cache })).toMatchObject({ ok: true });
      expect(cache.size).toBeLessThanOrEqual(2);
    }
    expect(cache.size).toBe(2);
    const first = signers[0] as Signer;
    expect(await verifyCompactJws(await first.sign({}), first.key, { keyCache: cache })).toMatchObject({ ok: true });
  });

  it('imports a key once for many verifications, whatever the JWK object', async () => {
    const cache = new ImportedKeyCache(10);
    const signer = await joseSigner('ES256');
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const copy = { ...signer.key, jwk: { ...signer.key.jwk } };
        expect(await verifyCompactJws(await signer.sign({}), copy, { keyCache: cache })).toMatchObject({ ok: true });
      }),
    );
    expect(cache.size).toBe(1);
  });

  it('answers signature_invalid for a key node:crypto refuses, and does not keep it', async () => {
    const cache = new ImportedKeyCache(10);
    const signer = await joseSigner('ES256');
    // Skips parsePublicJwk's curve check on purpose: y is not the point's y.
    const broken: VerificationKey = { ...signer.key, jwk: { kty: 'EC', crv: 'P-256', x: signer.publicJwk.x as string, y: signer.publicJwk.x as string } };
    const result = await verifyCompactJws(await signer.sign({}), broken, { keyCache: cache });
    expect(result).toMatchObject({ ok: false, reason: 'signature_invalid', detail: 'the verification key cannot be used' });
    await Promise.resolve();
    expect(cache.size).toBe(0);
  });

  it('shares one bounded cache across the process by default', async () => {
    const signer = await joseSigner('ES256');
    expect(await verifyCompactJws(await signer.sign({}), signer.key)).toMatchObject({ ok: true });
    const shared = sharedImportedKeyCache();
    expect(shared.size).toBeGreaterThanOrEqual(1);
    expect(shared.size).toBeLessThanOrEqual(shared.capacity);
  });

  it('refuses a capacity below one', () => {
    expect(() => new ImportedKeyCache(0)).toThrow(RangeError);
  });
});
