import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey } from 'jose';
import { signJwt } from './jwt-signer.js';

const CLAIMS = {
  iss: 'https://kparty.example',
  sub: 'did:example:holder',
  aud: 'https://orders.example.com',
  iat: 1_800_000_000,
  exp: 1_800_000_300,
  jti: 'j-1',
  email: 'ä@example.com',
};

describe('signJwt', () => {
  it.each(['ES256', 'ES384', 'ES512', 'EdDSA'])('signs %s tokens that jose verifies, header and claims as given', async (alg) => {
    const { publicKey, privateKey } = await generateKeyPair(alg === 'EdDSA' ? 'Ed25519' : alg);
    const token = await signJwt({ alg, kid: 'k1', typ: 'at+jwt' }, CLAIMS, privateKey);
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: 'k1', typ: 'at+jwt' });
    const { payload } = await jwtVerify(token, publicKey, { typ: 'at+jwt', algorithms: [alg], currentDate: new Date(1_800_000_100_000) });
    expect(payload).toEqual(CLAIMS);
  });

  it('signs with a private key imported by jose from a stored JWK (as the key ring holds it)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const imported = (await importJWK(await exportJWK(privateKey), 'ES256')) as CryptoKey;
    const token = await signJwt({ alg: 'ES256' }, CLAIMS, imported);
    await expect(jwtVerify(token, publicKey, { currentDate: new Date(1_800_000_100_000) })).resolves.toMatchObject({ payload: CLAIMS });
  });

  it('accepts a node:crypto KeyObject', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const token = await signJwt({ alg: 'EdDSA' }, CLAIMS, privateKey);
    await expect(jwtVerify(token, publicKey, { currentDate: new Date(1_800_000_100_000) })).resolves.toMatchObject({ payload: CLAIMS });
  });

  it.each([
    ['a P-384 key for ES256', 'ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    ['an Ed25519 key for ES256', 'ES256', () => generateKeyPairSync('ed25519').privateKey],
    ['a P-256 key for EdDSA', 'EdDSA', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    ['a public key', 'EdDSA', () => generateKeyPairSync('ed25519').publicKey],
    ['an algorithm it does not sign with', 'HS256', () => generateKeyPairSync('ed25519').privateKey],
  ])('refuses %s', async (_label, alg, key) => {
    await expect(signJwt({ alg }, CLAIMS, key())).rejects.toThrow(TypeError);
  });
});
