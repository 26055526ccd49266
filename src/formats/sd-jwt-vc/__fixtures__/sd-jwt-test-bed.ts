/**
 * A test bed for SD-JWT VC verification: issuers (did:key, x5c, pinned) and a
 * holder, credentials issued and presented with @sd-jwt/sd-jwt-vc
 * (test/support/sd-jwt.ts), and a hand-rolled encoder for payloads no
 * well-behaved library would produce (duplicate digests, reserved names).
 */
import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { CompactSign, importJWK, type JWK } from 'jose';
import { DidResolver } from '../../../did/did-resolver.js';
import { DidJwkResolver } from '../../../did/methods/jwk.js';
import { DidKeyResolver } from '../../../did/methods/key.js';
import { TrustAnchorStore } from '../../../trust/trust-anchors.js';
import { p256Identity } from '../../../../test/support/identities.js';
import { es256KeyPair, issueSdJwtVc, presentSdJwtVc, type KeyPair } from '../../../../test/support/sd-jwt.js';
import { makePki, x5c, type TestCertificate } from '../../../../test/support/x509.js';
import type { SdJwtVcEnvironment } from '../verify-sd-jwt-vc.js';

/** The frozen now of these tests: 2026-01-15T12:00:00Z. */
export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const NOW_S = NOW / 1000;
export const VCT = 'https://credentials.example.com/identity_credential';
export const AUD = 'https://verifier.example.com';
export const NONCE = 'n-0S6_WzA2Mj';

export const CLAIMS = {
  given_name: 'Arthur',
  family_name: 'Dent',
  email: 'arthur@example.com',
  address: { street_address: '42 Market Street', locality: 'Milliways', country: 'GB' },
  nationalities: ['GB', 'BG'],
};
/** Every claim selectively disclosable, the address members and nationalities recursively. */
export const FRAME = {
  _sd: ['given_name', 'family_name', 'email', 'address', 'nationalities'],
  address: { _sd: ['street_address', 'locality', 'country'] },
  nationalities: { _sd: [0, 1] },
};

export interface TestBed {
  didIssuer: ReturnType<typeof p256Identity>;
  holder: KeyPair;
  otherHolder: KeyPair;
  pki: { root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate };
  anchors: TrustAnchorStore;
  dids: DidResolver;
  env(overrides?: Partial<SdJwtVcEnvironment>): SdJwtVcEnvironment;
}

export async function testBed(): Promise<TestBed> {
  const didIssuer = p256Identity();
  const holder = await es256KeyPair();
  const otherHolder = await es256KeyPair();
  const pki = await makePki({ sanUri: 'https://issuer.example.com', sanDns: 'issuer.example.com' }, NOW);
  const anchors = TrustAnchorStore.fromPem([pki.root.pem]);
  const dids = new DidResolver([new DidKeyResolver(), new DidJwkResolver()]);
  return {
    didIssuer,
    holder,
    otherHolder,
    pki,
    anchors,
    dids,
    env: (overrides = {}) => ({ dids, anchors, now: NOW, clockSkewSeconds: 60, keyBindingMaxAgeSeconds: 300, pinned: [], ...overrides }),
  };
}

/** Issues with @sd-jwt as the did:key issuer (kid = its DID URL); the result ends with `~`. */
export async function didIssued(bed: TestBed, extra: Record<string, unknown> = {}, frame: Record<string, unknown> = FRAME): Promise<string> {
  return issueSdJwtVc({
    issuerKey: { publicJwk: bed.didIssuer.publicJwk, privateJwk: bed.didIssuer.privateJwk },
    header: { kid: bed.didIssuer.kid },
    payload: { iss: bed.didIssuer.did, iat: NOW_S - 3600, vct: VCT, cnf: { jwk: bed.holder.publicJwk }, ...CLAIMS, ...extra },
    frame,
  });
}

/** Presents with @sd-jwt as the wallet, with a KB-JWT. */
export async function present(
  bed: TestBed,
  credential: string,
  overrides: Partial<{ frame: Record<string, unknown>; nonce: string; aud: string; iat: number; holder: KeyPair }> = {},
): Promise<string> {
  return presentSdJwtVc(credential, {
    holderKey: overrides.holder ?? bed.holder,
    ...(overrides.frame ? { frame: overrides.frame } : {}),
    nonce: overrides.nonce ?? NONCE,
    aud: overrides.aud ?? AUD,
    iat: overrides.iat ?? NOW_S - 5,
  });
}

export const b64u = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');

/** A disclosure as RFC 9901 §4.2.1 encodes it. */
export function disclosure(...elements: unknown[]): string {
  return b64u(JSON.stringify([b64u(randomBytes(16)), ...elements]));
}

export function digestOf(encoded: string, alg = 'sha256'): string {
  return createHash(alg).update(encoded, 'latin1').digest('base64url');
}

/** Signs an arbitrary issuer payload (hand-rolled: for shapes @sd-jwt refuses to produce). */
export async function signIssuerJwt(privateJwk: JWK, payload: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
  const key = await importJWK(privateJwk, 'ES256');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', typ: 'dc+sd-jwt', ...header }).sign(key);
}

/** Signs a KB-JWT over `sdJwt` (which ends with `~`). */
export async function signKbJwt(privateJwk: JWK, sdJwt: string, payload: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const key = await importJWK(privateJwk, 'ES256');
  const body = { iat: NOW_S - 5, aud: AUD, nonce: NONCE, sd_hash: digestOf(sdJwt), ...payload };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(body))).setProtectedHeader({ alg: 'ES256', typ: 'kb+jwt', ...header }).sign(key);
}

/** A did:key-issued SD-JWT with a hand-made payload and disclosures, key-bound to the holder. */
export async function handRolled(bed: TestBed, payload: Record<string, unknown>, disclosures: string[], header: Record<string, unknown> = {}): Promise<string> {
  const jwt = await signIssuerJwt(
    bed.didIssuer.privateJwk,
    { iss: bed.didIssuer.did, iat: NOW_S - 3600, vct: VCT, cnf: { jwk: bed.holder.publicJwk }, ...payload },
    { kid: bed.didIssuer.kid, ...header },
  );
  const sdJwt = `${[jwt, ...disclosures].join('~')}~`;
  return `${sdJwt}${await signKbJwt(bed.holder.privateJwk, sdJwt)}`;
}

export { x5c };
