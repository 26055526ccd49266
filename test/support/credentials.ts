/**
 * Issuer and wallet sides for tests. VC-DM 1.1 JWT credentials and
 * presentations are made by did-jwt-vc (the library Veramo uses), an
 * independent implementation; VC-DM 2.0 (VC-JOSE-COSE) ones are assembled with
 * jose by hand, following the spec's examples.
 */
import { createVerifiableCredentialJwt, createVerifiablePresentationJwt } from 'did-jwt-vc';
import { SignJWT } from 'jose';
import type { TestIdentity } from './identities.js';

const V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
const V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

export interface EmployeeClaims {
  role?: string;
  email?: string;
  [claim: string]: unknown;
}

export interface VcOptions {
  /** Credential types besides VerifiableCredential. */
  types?: string[];
  claims?: EmployeeClaims;
  /** Seconds since the epoch. */
  nbf?: number;
  exp?: number;
  iat?: number;
  /** Put the verification method id in the JWS header (did-jwt omits it by default). */
  withKid?: boolean;
  credentialStatus?: unknown;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A VC-DM 1.1 VC-JWT issued by `issuer` about `subjectDid`, made by did-jwt-vc. */
export async function issueJwtVc(issuer: TestIdentity, subjectDid: string, options: VcOptions = {}): Promise<string> {
  return createVerifiableCredentialJwt(
    {
      sub: subjectDid,
      nbf: options.nbf ?? nowSeconds() - 60,
      ...(options.exp !== undefined ? { exp: options.exp } : {}),
      ...(options.iat !== undefined ? { iat: options.iat } : {}),
      vc: {
        '@context': [V1_CONTEXT],
        type: ['VerifiableCredential', ...(options.types ?? ['EmployeeCredential'])],
        credentialSubject: options.claims ?? { role: 'staff', email: 'alice@example.com' },
        ...(options.credentialStatus !== undefined ? { credentialStatus: options.credentialStatus as { id: string; type: string } } : {}),
      },
    },
    { did: issuer.did, signer: issuer.signer, alg: issuer.alg },
    options.withKid === false ? {} : { header: { kid: issuer.kid, alg: issuer.alg } },
  );
}

export interface VpOptions {
  nonce?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  withKid?: boolean;
}

/** A VC-DM 1.1 VP-JWT from `holder` carrying `credentials`, made by did-jwt-vc. */
export async function presentJwtVp(holder: TestIdentity, credentials: string[], options: VpOptions = {}): Promise<string> {
  return createVerifiablePresentationJwt(
    {
      vp: { '@context': [V1_CONTEXT], type: ['VerifiablePresentation'], verifiableCredential: credentials },
      ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
      ...(options.aud !== undefined ? { aud: options.aud } : {}),
      ...(options.exp !== undefined ? { exp: options.exp } : {}),
      ...(options.nbf !== undefined ? { nbf: options.nbf } : {}),
    },
    { did: holder.did, signer: holder.signer, alg: holder.alg },
    options.withKid === false ? {} : { header: { kid: holder.kid, alg: holder.alg } },
  );
}

export interface V2Options {
  types?: string[];
  claims?: EmployeeClaims;
  validFrom?: string;
  validUntil?: string;
}

/** A VC-DM 2.0 credential secured as `vc+jwt` (VC-JOSE-COSE), assembled with jose. */
export async function issueVcJwtV2(issuer: TestIdentity, subjectDid: string, options: V2Options = {}): Promise<string> {
  return new SignJWT({
    '@context': [V2_CONTEXT],
    type: ['VerifiableCredential', ...(options.types ?? ['EmployeeCredential'])],
    issuer: issuer.did,
    validFrom: options.validFrom ?? new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    ...(options.validUntil !== undefined ? { validUntil: options.validUntil } : {}),
    credentialSubject: { id: subjectDid, ...(options.claims ?? { role: 'staff', email: 'alice@example.com' }) },
  })
    .setProtectedHeader({ alg: issuer.alg, kid: issuer.kid, typ: 'vc+jwt' })
    .sign(await issuer.key());
}

/** A VC-DM 2.0 `vp+jwt` carrying `credentials` as EnvelopedVerifiableCredential data URLs. */
export async function presentVpJwtV2(holder: TestIdentity, credentials: string[], options: VpOptions = {}): Promise<string> {
  return new SignJWT({
    '@context': [V2_CONTEXT],
    type: ['VerifiablePresentation'],
    holder: holder.did,
    verifiableCredential: credentials.map((jwt) => ({
      '@context': V2_CONTEXT,
      id: `data:application/vc+jwt,${jwt}`,
      type: 'EnvelopedVerifiableCredential',
    })),
    ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
    ...(options.aud !== undefined ? { aud: options.aud } : {}),
    ...(options.exp !== undefined ? { exp: options.exp } : {}),
  })
    .setProtectedHeader({ alg: holder.alg, kid: holder.kid, typ: 'vp+jwt' })
    .setIssuedAt()
    .sign(await holder.key());
}
