import type { CheckFailure } from '../../core/model/check.js';
import type { DidResolver } from '../../did/did-resolver.js';
import { verifyIssuerSignature, type IssuerKeyEnvironment, type IssuerKeyRoute, type PinnedIssuer } from '../../trust/issuer-keys.js';
import { processDisclosures } from './disclosures.js';
import { verifyKeyBinding } from './key-binding.js';
import { parseSdJwt } from './sd-jwt-parse.js';

/** JOSE `typ` of an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc), and the legacy value still accepted. */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';
export const LEGACY_SD_JWT_VC_TYP = 'vc+sd-jwt';

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
  const parsed = parseSdJwt(input);
  if (!parsed.ok) return fail(parsed.code, parsed.detail);
  const { issuerJwt, disclosures, kbJwt, sdHashInput } = parsed.parts;
  const { payload, jws } = issuerJwt;

  const typ = jws.typ?.toLowerCase().replace(/^application\//, '');
  if (typ !== SD_JWT_VC_TYP && typ !== LEGACY_SD_JWT_VC_TYP) return fail('credential.malformed', `the issuer-signed JWT's "typ" must be "${SD_JWT_VC_TYP}" (or "${LEGACY_SD_JWT_VC_TYP}")`);
  if (jws.crit !== undefined) return fail('credential.signature_invalid', 'the issuer-signed JWT names critical header parameters kparty does not support');
  if (typeof payload.vct !== 'string' || payload.vct.length === 0) return fail('credential.malformed', 'the SD-JWT VC has no "vct" string');
  if (payload.iss !== undefined && (typeof payload.iss !== 'string' || payload.iss.length === 0)) return fail('credential.malformed', '"iss" must be a non-empty string');
  const times: Record<'iat' | 'nbf' | 'exp', number | undefined> = { iat: undefined, nbf: undefined, exp: undefined };
  for (const name of ['iat', 'nbf', 'exp'] as const) {
    const value = payload[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail('credential.malformed', `"${name}" must be a NumericDate`);
    times[name] = value;
  }

  const signature = await verifyIssuerSignature(
    {
      jws,
      iss: payload.iss as string | undefined,
      typ: [SD_JWT_VC_TYP, LEGACY_SD_JWT_VC_TYP],
      purpose: 'credential-issuer',
      pinned: env.pinned,
      now: env.now,
      clockSkewSeconds: env.clockSkewSeconds,
    },
    env,
  );
  if (!signature.ok) return fail(signature.code, signature.detail);

  const disclosed = processDisclosures(payload, disclosures);
  if (!disclosed.ok) return fail(disclosed.code, disclosed.detail, disclosed.disclosure !== undefined ? `${path}.disclosures[${disclosed.disclosure}]` : path);

  const now = env.now / 1000;
  const skew = env.clockSkewSeconds;
  if (times.exp !== undefined && times.exp < now - skew) return fail('credential.expired', 'the SD-JWT VC has expired ("exp")');
  if (times.nbf !== undefined && times.nbf > now + skew) return fail('credential.not_yet_valid', 'the SD-JWT VC is not valid yet ("nbf")');
  if (times.iat !== undefined && times.iat > now + skew) return fail('credential.not_yet_valid', 'the SD-JWT VC is issued in the future ("iat")');

  const binding = await verifyKeyBinding({
    kbJwt,
    sdHashInput,
    hashAlgorithm: disclosed.hashAlgorithm,
    cnf: payload.cnf,
    now: env.now,
    clockSkewSeconds: skew,
    maxAgeSeconds: env.keyBindingMaxAgeSeconds,
    dids: env.dids,
  });
  if (!binding.ok) return fail(binding.code, binding.detail, `${path}.kb_jwt`);

  const claims = disclosed.claims;
  const subject = typeof claims.sub === 'string' ? claims.sub : undefined;
  return {
    ok: true,
    credential: {
      issuer: signature.issuerId,
      issuerKeyRoute: signature.route,
      x509KeyIds: signature.x509KeyIds,
      vct: payload.vct,
      holder: binding.holder,
      nonce: binding.nonce,
      audience: binding.audience,
      claims,
      ...(times.iat !== undefined ? { issuedAt: times.iat } : {}),
      ...(times.nbf !== undefined ? { notBefore: times.nbf } : {}),
      ...(times.exp !== undefined ? { expiresAt: times.exp } : {}),
      status: claims.status !== undefined ? [claims.status] : [],
      ...(subject !== undefined ? { subject } : {}),
    },
  };
}
