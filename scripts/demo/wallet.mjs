// The identity side of the demo, made with the libraries other people's
// wallets use: did:key identities (Ed25519, @noble/curves), credentials and
// presentations as JWTs (did-jwt-vc, as Veramo makes them). Development
// dependencies: the demo runs in a development checkout.
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToBase58, EdDSASigner } from 'did-jwt';
import { createVerifiableCredentialJwt, createVerifiablePresentationJwt } from 'did-jwt-vc';

const V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

/** A did:key identity for a fresh Ed25519 key (multicodec 0xed01). */
export function createIdentity() {
  const secret = ed25519.utils.randomSecretKey();
  const did = `did:key:z${bytesToBase58(Uint8Array.from([0xed, 0x01, ...ed25519.getPublicKey(secret)]))}`;
  return { did, kid: `${did}#${did.slice('did:key:'.length)}`, signer: EdDSASigner(secret) };
}

/** A VC-DM 1.1 VC-JWT: `issuer` states that `subjectDid` is an employee with this email. */
export function issueEmployeeCredential(issuer, subjectDid, email) {
  return createVerifiableCredentialJwt(
    {
      sub: subjectDid,
      nbf: Math.floor(Date.now() / 1000) - 60,
      vc: {
        '@context': [V1_CONTEXT],
        type: ['VerifiableCredential', 'EmployeeCredential'],
        credentialSubject: { role: 'staff', email },
      },
    },
    { did: issuer.did, signer: issuer.signer, alg: 'EdDSA' },
    { header: { kid: issuer.kid, alg: 'EdDSA' } },
  );
}

/** A VC-DM 1.1 VP-JWT answering kparty's challenge: `nonce` and `aud` as the challenge gave them. */
export function presentCredentials(holder, credentials, { challenge, domain }) {
  return createVerifiablePresentationJwt(
    { vp: { '@context': [V1_CONTEXT], type: ['VerifiablePresentation'], verifiableCredential: credentials }, nonce: challenge, aud: domain },
    { did: holder.did, signer: holder.signer, alg: 'EdDSA' },
    { header: { kid: holder.kid, alg: 'EdDSA' } },
  );
}
