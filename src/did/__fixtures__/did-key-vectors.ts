import { readFileSync } from 'node:fs';
import { decodeBase58btc } from '../base58btc.js';
import type { DidDocument } from '../did-document.js';

/**
 * The published did:key test vectors (test/vectors/did-key/, unmodified), as
 * a flat list: every DID with its expected document and, where the file has
 * one, a private JWK to sign with.
 */
export interface DidKeyVector {
  file: string;
  did: string;
  document: DidDocument;
  privateJwk?: Record<string, string>;
  /** The signing key's secret: the JWK's `d`, else `privateKeyBase58`, else the hex `seed`. */
  secretKey?: Uint8Array;
}

const FILES = ['ed25519-x25519.json', 'x25519.json', 'nist-curves.json', 'secp256k1.json', 'rsa.json'];

function read(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../test/vectors/did-key/${file}`, import.meta.url), 'utf8'));
}

export function loadDidKeyVectors(): DidKeyVector[] {
  const vectors: DidKeyVector[] = [];
  for (const file of FILES) {
    const content = read(file);
    // x25519.json nests the documents under "didDocument"; the others key each entry by DID.
    const entries =
      file === 'x25519.json'
        ? Object.entries(content.didDocument as Record<string, DidDocument>).map(([did, document]) => [did, { didDocument: document }] as const)
        : Object.entries(content as Record<string, Record<string, unknown>>);
    for (const [did, entry] of entries) {
      const vector: DidKeyVector = { file, did, document: entry.didDocument as DidDocument };
      const privateJwk = privateJwkOf(entry as Record<string, unknown>);
      if (privateJwk) vector.privateJwk = privateJwk;
      const secretKey = secretKeyOf(entry as Record<string, unknown>, privateJwk);
      if (secretKey) vector.secretKey = secretKey;
      vectors.push(vector);
    }
  }
  return vectors;
}

function privateJwkOf(entry: Record<string, unknown>): Record<string, string> | undefined {
  for (const holder of [entry, entry.verificationMethod, entry.verificationKeyPair]) {
    const jwk = (holder as Record<string, unknown> | undefined)?.privateKeyJwk;
    if (jwk && typeof jwk === 'object') return jwk as Record<string, string>;
  }
  return undefined;
}

function secretKeyOf(entry: Record<string, unknown>, privateJwk: Record<string, string> | undefined): Uint8Array | undefined {
  if (privateJwk?.d) return new Uint8Array(Buffer.from(privateJwk.d, 'base64url'));
  for (const holder of [entry.verificationMethod, entry.verificationKeyPair]) {
    const base58 = (holder as Record<string, unknown> | undefined)?.privateKeyBase58;
    if (typeof base58 === 'string') return decodeBase58btc(base58) ?? undefined;
  }
  return typeof entry.seed === 'string' ? new Uint8Array(Buffer.from(entry.seed, 'hex')) : undefined;
}
