import { describe, expect, it } from '@jest/globals';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { CompactSign, importJWK } from 'jose';
import { verifyCompactJws } from '../../crypto/jws-verifier.js';
import { loadDidKeyVectors, type DidKeyVector } from '../__fixtures__/did-key-vectors.js';
import { DidResolver } from '../did-resolver.js';
import { selectVerificationKeys } from '../select-verification-keys.js';
import { DidKeyResolver } from './key.js';

/**
 * End to end over the published did:key vectors: a JWS signed with a
 * vector's private key verifies with the key kparty resolves from the DID —
 * resolution, key selection and signature verification together.
 */

const b64 = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');
const PAYLOAD = new TextEncoder().encode('{"vc":"test"}');

/** ECDSA and EdDSA through @noble/curves, so the signer is independent of jose (and covers ES256K). */
const NOBLE_SIGNERS = {
  Ed25519: { alg: 'EdDSA', sign: (input: Uint8Array, secret: Uint8Array) => ed25519.sign(input, secret) },
  'P-256': { alg: 'ES256', sign: (input: Uint8Array, secret: Uint8Array) => p256.sign(input, secret, { prehash: true }) },
  'P-384': { alg: 'ES384', sign: (input: Uint8Array, secret: Uint8Array) => p384.sign(input, secret, { prehash: true }) },
  'P-521': { alg: 'ES512', sign: (input: Uint8Array, secret: Uint8Array) => p521.sign(input, secret, { prehash: true }) },
  secp256k1: { alg: 'ES256K', sign: (input: Uint8Array, secret: Uint8Array) => secp256k1.sign(input, secret, { prehash: true }) },
} as const;

async function signAs(vector: DidKeyVector, kid: string, jwk: Record<string, unknown>): Promise<string[]> {
  if (jwk.kty === 'RSA') {
    const tokens: string[] = [];
    for (const alg of ['RS256', 'PS256']) {
      const key = await importJWK(vector.privateJwk as Record<string, string>, alg);
      tokens.push(await new CompactSign(PAYLOAD).setProtectedHeader({ alg, kid }).sign(key));
    }
    return tokens;
  }
  const signer = NOBLE_SIGNERS[jwk.crv as keyof typeof NOBLE_SIGNERS];
  const signingInput = `${b64(JSON.stringify({ alg: signer.alg, kid }))}.${b64(PAYLOAD)}`;
  const signature = signer.sign(new TextEncoder().encode(signingInput), vector.secretKey as Uint8Array);
  return [`${signingInput}.${b64(signature)}`];
}

const signable = loadDidKeyVectors().filter((vector) => vector.secretKey && vector.file !== 'x25519.json');

describe('signatures by the did:key vectors’ private keys', () => {
  const resolver = new DidResolver([new DidKeyResolver()]);

  it('covers every signing key type of the vectors', () => {
    expect(new Set(signable.map((vector) => vector.file))).toEqual(new Set(['ed25519-x25519.json', 'nist-curves.json', 'secp256k1.json', 'rsa.json']));
    expect(signable).toHaveLength(20);
  });

  it.each(signable.map((vector) => [vector.did.slice(0, 40), vector] as const))('verify for %s…', async (_name, vector) => {
    const resolved = await resolver.resolve(vector.did);
    if (!resolved.ok) throw new Error(resolved.detail);
    const kid = `${vector.did}#${vector.did.slice('did:key:'.length)}`;
    const selected = selectVerificationKeys(resolved.document, { did: vector.did, kid, relationship: 'authentication' });
    if (!selected.ok) throw new Error(selected.detail);
    const [key] = selected.keys;
    if (!key) throw new Error('no key');
    for (const token of await signAs(vector, kid, key.jwk)) {
      expect(await verifyCompactJws(token, key)).toMatchObject({ ok: true, payload: PAYLOAD });
    }
  });
});
