import type { CheckFailure } from '../../core/model/check.js';
import type { DidResolver } from '../../did/did-resolver.js';
import { verifyIssuerSignature, type IssuerKeyEnvironment, type IssuerKeyRoute, type PinnedIssuer } from '../../trust/issuer-keys.js';
import { verifyKeyBinding } from './key-binding.js';
import { LEGACY_SD_JWT_VC_TYP, readSdJwtVc, SD_JWT_VC_TYP } from './read-sd-jwt-vc.js';

export { LEGACY_SD_JWT_VC_TYP, SD_JWT_VC_TYP };

export interface SdJwtVcEnvironment extends IssuerKeyEnvironment {
  dids: DidResolver;
  now: number;
  clockSkewSeconds: number;
  /** How old a KB-JWT may be (`iat`), seconds: KPARTY_CHALLENGE_TTL. */
  keyBindingMaxAgeSeconds: number;
  /** Issuers whose keys the policy pins (`trustedIssuers` objects). */
  pinned: readonly PinnedIssuer[];
}

/** A verified SD-JWT VC: issuer signature, disclosures and key binding all checked; nonce and audience still to compare. */
export interface VerifiedSdJwtVc {
  /** `iss`, or `x509_hash:…` (src/trust/issuer-keys.ts). */
  issuer: string;
  issuerKeyRoute: IssuerKeyRoute;
  /** DCQL `trusted_authorities` `aki` candidates (x5c only). */
  x509KeyIds: string[];
  vct: string;
  /** `cnf.kid`'s DID or the RFC 9278 thumbprint URI of `cnf.jwk`. */
  holder: string;
  /** The KB-JWT's `nonce` and `aud`. */
  nonce: string;
  audience: string;
  /** The processed payload (disclosed claims only, RFC 9901 §7.1). */
  claims: Record<string, unknown>;
  issuedAt?: number;
  notBefore?: number;
  expiresAt?: number;
  /** `status` claim (Token Status List reference), as one entry, when present. */
  status: unknown[];
  /** `sub`, when the issuer set one. */
  subject?: string;
}

export type SdJwtVcVerification = { ok: true; credential: VerifiedSdJwtVc } | { ok: false; failures: CheckFailure[] };

/**
 * Verifies one `dc+sd-jwt` presentation (RFC 9901, draft-ietf-oauth-sd-jwt-vc)
 * in this order, stopping at the first failure: shape and caps; header `typ`
 * `dc+sd-jwt` (or legacy `vc+sd-jwt`); `vct`; the issuer's signature by one
 * key route (src/trust/issuer-keys.ts); the disclosures (disclosures.ts);
 * `exp`/`nbf`/`iat`; the KB-JWT (key-binding.ts). The caller compares the
 * returned `nonce` and `audience` with the challenge (OpenID4VP: the
 * request's nonce and client_id) and applies the policy.
 *
 * Failure paths: `path` for the credential, `<path>.disclosures[i]` for a
 * disclosure, `<path>.kb_jwt` for the key binding.
 *
 * Never throws.
 */
export async function verifySdJwtVc(input: unknown, env: SdJwtVcEnvironment, path = 'credentials[0]'): Promise<SdJwtVcVerification> {
  const fail = (code: CheckFailure['code'], detail: string, where = path): SdJwtVcVerification => ({ ok: false, failures: [{ code, path: where, detail }] });
  const outcome = readSdJwtVc(input);
  if (!outcome.ok) return fail(outcome.code, outcome.detail, outcome.disclosure !== undefined ? `${path}.disclosures[${outcome.disclosure}]` : path);
  const read = outcome.read;

  const signature = await verifyIssuerSignature(
    {
      jws: read.jws,
      iss: read.iss,
      typ: [SD_JWT_VC_TYP, LEGACY_SD_JWT_VC_TYP],
      purpose: 'credential-issuer',
      pinned: env.pinned,
      now: env.now,
      clockSkewSeconds: env.clockSkewSeconds,
    },
    env,
  );
  if (!signature.ok) return fail(signature.code, signature.detail);

  const now = env.now / 1000;
  const skew = env.clockSkewSeconds;
  if (read.expiresAt !== undefined && read.expiresAt < now - skew) return fail('credential.expired', 'the SD-JWT VC has expired ("exp")');
  if (read.notBefore !== undefined && read.notBefore > now + skew) return fail('credential.not_yet_valid', 'the SD-JWT VC is not valid yet ("nbf")');
  if (read.issuedAt !== undefined && read.issuedAt > now + skew) return fail('credential.not_yet_valid', 'the SD-JWT VC is issued in the future ("iat")');

  const binding = await verifyKeyBinding({
    kbJwt: read.parts.kbJwt,
    sdHashInput: read.parts.sdHashInput,
    hashAlgorithm: read.hashAlgorithm,
    cnf: read.payload.cnf,
    now: env.now,
    clockSkewSeconds: skew,
    maxAgeSeconds: env.keyBindingMaxAgeSeconds,
    dids: env.dids,
  });
  if (!binding.ok) return fail(binding.code, binding.detail, `${path}.kb_jwt`);

  const claims = read.claims;
  const subject = typeof claims.sub === 'string' ? claims.sub : undefined;
  return {
    ok: true,
    credential: {
      issuer: signature.issuerId,
      issuerKeyRoute: signature.route,
      x509KeyIds: signature.x509KeyIds,
      vct: read.vct,
      holder: binding.holder,
      nonce: binding.nonce,
      audience: binding.audience,
      claims,
      ...(read.issuedAt !== undefined ? { issuedAt: read.issuedAt } : {}),
      ...(read.notBefore !== undefined ? { notBefore: read.notBefore } : {}),
      ...(read.expiresAt !== undefined ? { expiresAt: read.expiresAt } : {}),
      status: claims.status !== undefined ? [claims.status] : [],
      ...(subject !== undefined ? { subject } : {}),
    },
  };
}
