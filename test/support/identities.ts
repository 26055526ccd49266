/**
 * Test identities (issuers and holders) built the way other people's software
 * builds them: did:key from raw public keys, signers from did-jwt (what
 * did-jwt-vc and Veramo use), and the same keys as JWKs for jose.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { bytesToBase58, EdDSASigner, ES256Signer, type Signer } from 'did-jwt';
import { importJWK, type CryptoKey, type JWK } from 'jose';

export interface TestIdentity {
  did: string;
  /** `did:key:z…#z…`: the verification method id (did:key spec). */
  kid: string;
  alg: 'EdDSA' | 'ES256';
  /** did-jwt signer, for did-jwt-vc. */
  signer: Signer;
  privateJwk: JWK;
  publicJwk: JWK;
  /** The private key imported for jose. */
  key(): Promise<CryptoKey>;
}

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

function didKey(multicodec: number[], publicKey: Uint8Array): string {
  return `did:key:z${bytesToBase58(Uint8Array.from([...multicodec, ...publicKey]))}`;
}

function identity(did: string, alg: TestIdentity['alg'], signer: Signer, privateJwk: JWK, publicJwk: JWK): TestIdentity {
  const fragment = did.slice('did:key:'.length);
  let imported: Promise<CryptoKey> | undefined;
  return {
    did,
    kid: `${did}#${fragment}`,
    alg,
    signer,
    privateJwk,
    publicJwk,
    key: () => (imported ??= importJWK(privateJwk, alg) as Promise<CryptoKey>),
  };
}

/** An Ed25519 did:key identity (multicodec 0xed). */
export function ed25519Identity(seed: Uint8Array = ed25519.utils.randomSecretKey()): TestIdentity {
  const publicKey = ed25519.getPublicKey(seed);
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: b64u(publicKey) };
  return identity(didKey([0xed, 0x01], publicKey), 'EdDSA', EdDSASigner(seed), { ...publicJwk, d: b64u(seed) }, publicJwk);
}

/** A P-256 did:key identity (multicodec 0x1200, compressed point). */
export function p256Identity(secret: Uint8Array = p256.utils.randomSecretKey()): TestIdentity {
  const compressed = p256.getPublicKey(secret, true);
  const uncompressed = p256.getPublicKey(secret, false);
  const publicJwk: JWK = { kty: 'EC', crv: 'P-256', x: b64u(uncompressed.slice(1, 33)), y: b64u(uncompressed.slice(33, 65)) };
  return identity(didKey([0x80, 0x24], compressed), 'ES256', ES256Signer(secret), { ...publicJwk, d: b64u(secret) }, publicJwk);
}

/** A did:jwk identity for an Ed25519 key, optionally with `use` (did:jwk spec). */
export function didJwkIdentity(use?: 'sig' | 'enc'): TestIdentity & { didJwk: string } {
  const base = ed25519Identity();
  const jwk: JWK = { ...base.publicJwk, ...(use ? { use } : {}) };
  const did = `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;
  return { ...base, did, didJwk: did, kid: `${did}#0` };
}
