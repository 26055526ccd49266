/**
 * Benchmark identities and credentials, built the way other people's software
 * builds them: did:key (Ed25519, multicodec 0xed) from raw public keys, and
 * VC-JWTs / VP-JWTs made by did-jwt-vc (the library Veramo uses). Signing goes
 * through node:crypto behind did-jwt's `Signer` interface, so pre-signing tens
 * of thousands of presentations takes seconds rather than minutes.
 *
 * Plain ESM JavaScript: the benchmark never imports TypeScript.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { bytesToBase58 } from 'did-jwt';
import { createVerifiableCredentialJwt, createVerifiablePresentationJwt } from 'did-jwt-vc';

const V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

/**
 * A fresh Ed25519 did:key identity.
 * @returns {{ did: string, kid: string, alg: 'EdDSA', publicKey: import('node:crypto').KeyObject, signer: (data: string | Uint8Array) => Promise<string>, signSync: (data: string) => string }}
 */
export function ed25519Identity() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const fingerprint = `z${bytesToBase58(Uint8Array.from([0xed, 0x01, ...raw]))}`;
  const did = `did:key:${fingerprint}`;
  const signSync = (data) => sign(null, Buffer.from(data), privateKey).toString('base64url');
  return {
    did,
    kid: `${did}#${fingerprint}`,
    alg: 'EdDSA',
    publicKey,
    signSync,
    // did-jwt's Signer: the base64url signature of the signing input.
    signer: async (data) => signSync(data),
  };
}

/** A VC-DM 1.1 VC-JWT (EmployeeCredential) issued by `issuer` about `subjectDid`, made by did-jwt-vc. */
export function issueEmployeeCredential(issuer, subjectDid, claims = { role: 'staff', email: 'alice@example.com' }) {
  return createVerifiableCredentialJwt(
    {
      sub: subjectDid,
      nbf: Math.floor(Date.now() / 1000) - 60,
      vc: { '@context': [V1_CONTEXT], type: ['VerifiableCredential', 'EmployeeCredential'], credentialSubject: claims },
    },
    { did: issuer.did, signer: issuer.signer, alg: issuer.alg },
    { header: { kid: issuer.kid, alg: issuer.alg } },
  );
}

/** A VC-DM 1.1 VP-JWT from `holder` carrying `credentials`, answering `nonce` for `aud`, made by did-jwt-vc. */
export function presentCredentials(holder, credentials, { nonce, aud }) {
  return createVerifiablePresentationJwt(
    { vp: { '@context': [V1_CONTEXT], type: ['VerifiablePresentation'], verifiableCredential: credentials }, nonce, aud },
    { did: holder.did, signer: holder.signer, alg: holder.alg },
    { header: { kid: holder.kid, alg: holder.alg } },
  );
}
