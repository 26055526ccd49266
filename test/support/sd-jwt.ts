/**
 * SD-JWT VC issuer and wallet built with other people's software:
 * @sd-jwt/sd-jwt-vc + @sd-jwt/crypto-nodejs 0.19 (the OpenWallet Foundation
 * implementation), so kparty's verifier is tested against an independent
 * encoder. Keys are generated in the test.
 */
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import type { JWK } from 'jose';

export interface KeyPair {
  publicJwk: JWK;
  privateJwk: JWK;
}

export async function es256KeyPair(): Promise<KeyPair> {
  const { publicKey, privateKey } = await ES256.generateKeyPair();
  return { publicJwk: publicKey as JWK, privateJwk: privateKey as JWK };
}

const hasher = (data: string | ArrayBuffer, alg: string): Uint8Array => digest(data, alg);

export interface IssueOptions {
  issuerKey: KeyPair;
  /** JOSE header additions: `kid`, `x5c`, `typ`. */
  header?: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** @sd-jwt DisclosureFrame. */
  frame?: Record<string, unknown>;
  hashAlg?: 'sha-256' | 'sha-384' | 'sha-512';
}

/** Issues an SD-JWT VC (ending in `~`) with @sd-jwt/sd-jwt-vc. */
export async function issueSdJwtVc(options: IssueOptions): Promise<string> {
  const issuer = new SDJwtVcInstance({
    signer: await ES256.getSigner(options.issuerKey.privateJwk),
    signAlg: 'ES256',
    hasher,
    hashAlg: options.hashAlg ?? 'sha-256',
    saltGenerator: generateSalt,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return issuer.issue(options.payload as any, options.frame as any, options.header ? { header: options.header } : undefined);
}

export interface PresentOptions {
  holderKey: KeyPair;
  /** @sd-jwt PresentationFrame: which disclosures to present; undefined: all. */
  frame?: Record<string, unknown>;
  nonce: string;
  aud: string;
  iat: number;
}

/** Presents with a KB-JWT, as a wallet using @sd-jwt does. */
export async function presentSdJwtVc(credential: string, options: PresentOptions): Promise<string> {
  const wallet = new SDJwtVcInstance({
    hasher,
    kbSigner: await ES256.getSigner(options.holderKey.privateJwk),
    kbSignAlg: 'ES256',
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return wallet.present(credential, options.frame as any, { kb: { payload: { nonce: options.nonce, aud: options.aud, iat: options.iat } } });
}

/** @sd-jwt's own verifier for the same token (benchmarks, cross-checks). */
export async function librarySdJwtVerifier(issuerPublicJwk: JWK, holderPublicJwk: JWK): Promise<SDJwtVcInstance> {
  return new SDJwtVcInstance({
    hasher,
    verifier: await ES256.getVerifier(issuerPublicJwk),
    kbVerifier: await ES256.getVerifier(holderPublicJwk),
  });
}
