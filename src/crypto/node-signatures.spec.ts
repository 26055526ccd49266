import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { isNodeAlgorithm, signatureOperationCounts, signJws, verifyJwsSignature } from './node-signatures.js';

const DATA = Buffer.from('eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0', 'latin1');

const keyPairs = {
  ed25519: () => generateKeyPairSync('ed25519'),
  p256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  p384: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  p521: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  rsa: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

describe('node:crypto JWS signatures', () => {
  it.each([
    ['EdDSA', 'ed25519', 64],
    ['Ed25519', 'ed25519', 64],
    ['ES256', 'p256', 64],
    ['ES384', 'p384', 96],
    ['ES512', 'p521', 132],
    ['RS256', 'rsa', 256],
    ['PS512', 'rsa', 256],
  ] as const)('%s: signs in the JWS encoding and verifies; another input does not verify', async (alg, pair, length) => {
    const { publicKey, privateKey } = keyPairs[pair]();
    const signature = await signJws(alg, DATA, privateKey);
    expect(signature).toHaveLength(length);
    await expect(verifyJwsSignature(alg, DATA, publicKey, signature)).resolves.toBe(true);
    await expect(verifyJwsSignature(alg, Buffer.from('x'), publicKey, signature)).resolves.toBe(false);
  });

  it('does not verify an RS256 signature as PS256 (padding is part of the algorithm)', async () => {
    const { publicKey, privateKey } = keyPairs.rsa();
    const signature = await signJws('RS256', DATA, privateKey);
    await expect(verifyJwsSignature('PS256', DATA, publicKey, signature)).resolves.toBe(false);
  });

  it('knows the JOSE algorithms it serves and refuses others', async () => {
    expect(['EdDSA', 'ES256', 'PS384', 'RS512'].every(isNodeAlgorithm)).toBe(true);
    expect(['none', 'HS256', 'constructor', '__proto__'].some(isNodeAlgorithm)).toBe(false);
    const { publicKey } = keyPairs.ed25519();
    expect(() => verifyJwsSignature('HS256', DATA, publicKey, new Uint8Array(32))).toThrow(RangeError);
  });

  it('signs ES256 and Ed25519 inline, never through the offload policy (cheaper than a trip to the pool); RSA goes by the policy', async () => {
    const before = signatureOperationCounts();
    await signJws('ES256', DATA, keyPairs.p256().privateKey);
    await signJws('EdDSA', DATA, keyPairs.ed25519().privateKey);
    expect(signatureOperationCounts()).toEqual(before);
    await signJws('RS256', DATA, keyPairs.rsa().privateKey);
    const after = signatureOperationCounts();
    expect(after.inline + after.offloaded).toBe(before.inline + before.offloaded + 1);
  });

  it('an inline signature with an unusable key (a public key) rejects, never throws synchronously', async () => {
    const { publicKey } = keyPairs.p256();
    await expect(signJws('ES256', DATA, publicKey)).rejects.toThrow();
  });
});
