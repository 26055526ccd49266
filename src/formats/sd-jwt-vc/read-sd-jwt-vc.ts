import { X509Certificate } from 'node:crypto';
import type { ParsedJws } from '../../core/model/presentation.js';
import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import { parsePublicJwkCached as parsePublicJwk } from '../../trust/public-jwk-cache.js';
import { isDid, splitDidUrl } from '../../did/did-syntax.js';
import { x509HashIdentifier } from '../../trust/certificate-chain.js';
import { certificateNames } from '../../trust/issuer-keys.js';
import { saneNumericDate } from '../date-range.js';
import { decodeJwt } from '../jwt-parts.js';
import { processDisclosures } from './disclosures.js';
import { JWK_THUMBPRINT_URI } from './key-binding.js';
import { parseSdJwt, type SdJwtParts } from './sd-jwt-parse.js';

/** JOSE `typ` of an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc), and the legacy value still accepted. */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';
export const LEGACY_SD_JWT_VC_TYP = 'vc+sd-jwt';

/** An SD-JWT VC read (RFC 9901 §7.1 steps that need no key): shape, typ, claims, disclosures. Nothing verified. */
export interface ReadSdJwtVc {
  parts: SdJwtParts;
  jws: ParsedJws;
  payload: Record<string, unknown>;
  /** The processed payload: disclosed claims only. */
  claims: Record<string, unknown>;
  hashAlgorithm: string;
  vct: string;
  /** `iss` when present. */
  iss?: string;
  /** What the credential claims as issuer identifier: `iss`, or `x509_hash:…` when `x5c` names the issuer (src/trust/issuer-keys.ts). */
  claimedIssuer: string;
  /** The holder `cnf` names (a DID, or an RFC 9278 thumbprint URI), when it names one usably. */
  holder?: string;
  /** `cnf.kid`'s DID, when the holder is a DID. */
  holderDid?: string;
  issuedAt?: number;
  notBefore?: number;
  expiresAt?: number;
  /** What the KB-JWT states (unverified): its nonce, aud and iat. */
  keyBinding?: { nonce?: string; audience?: string; issuedAt?: number };
}

export type ReadFailure = {
  ok: false;
  code: 'presentation.malformed' | 'sdjwt.disclosure_invalid' | 'credential.malformed' | 'credential.signature_invalid';
  /** Index of the offending disclosure, if one is to blame. */
  disclosure?: number;
  detail: string;
};

/**
 * Reads one SD-JWT VC presentation: caps and shape (sd-jwt-parse.ts), header
 * `typ` `dc+sd-jwt` (or legacy `vc+sd-jwt`), no `crit`, `vct`, NumericDates,
 * the disclosures against their digests (disclosures.ts), the issuer it
 * claims and the holder `cnf` names. Verifies no signature. Never throws.
 */
export function readSdJwtVc(input: unknown): { ok: true; read: ReadSdJwtVc } | ReadFailure {
  const parsed = parseSdJwt(input);
  if (!parsed.ok) return parsed;
  const { issuerJwt } = parsed.parts;
  const { payload, jws, header } = issuerJwt;
  const fail = (detail: string): ReadFailure => ({ ok: false, code: 'credential.malformed', detail });
  const typ = jws.typ?.toLowerCase().replace(/^application\//, '');
  if (typ !== SD_JWT_VC_TYP && typ !== LEGACY_SD_JWT_VC_TYP)
    return fail(`the issuer-signed JWT's "typ" must be "${SD_JWT_VC_TYP}" (or "${LEGACY_SD_JWT_VC_TYP}")`);
  if (jws.crit !== undefined)
    return { ok: false, code: 'credential.signature_invalid', detail: 'the issuer-signed JWT names critical header parameters kparty does not support' };
  if (typeof payload.vct !== 'string' || payload.vct.length === 0) return fail('the SD-JWT VC has no "vct" string');
  if (payload.iss !== undefined && (typeof payload.iss !== 'string' || payload.iss.length === 0 || payload.iss.length > 2048))
    return fail('"iss" must be a non-empty string');
  const times: Partial<Record<'iat' | 'nbf' | 'exp', number>> = {};
  for (const name of ['iat', 'nbf', 'exp'] as const) {
    // Within the sane date range, like every other format (docs/security.md, "Numeric dates").
    const value = saneNumericDate(payload, name);
    if (value === undefined) continue;
    if (value instanceof Error) return fail(value.message);
    times[name] = value;
  }
  const iss = payload.iss as string | undefined;
  const claimedIssuer = issuerOf(iss, header.x5c);
  if (claimedIssuer === null) return fail('the SD-JWT VC names no issuer: neither "iss" nor an "x5c" certificate');

  const disclosed = processDisclosures(payload, parsed.parts.disclosures);
  if (!disclosed.ok)
    return { ok: false, code: disclosed.code, detail: disclosed.detail, ...(disclosed.disclosure !== undefined ? { disclosure: disclosed.disclosure } : {}) };

  const read: ReadSdJwtVc = {
    parts: parsed.parts,
    jws,
    payload,
    claims: disclosed.claims,
    hashAlgorithm: disclosed.hashAlgorithm,
    vct: payload.vct,
    claimedIssuer,
    ...(iss !== undefined ? { iss } : {}),
    ...holderOf(payload.cnf),
    ...(times.iat !== undefined ? { issuedAt: times.iat } : {}),
    ...(times.nbf !== undefined ? { notBefore: times.nbf } : {}),
    ...(times.exp !== undefined ? { expiresAt: times.exp } : {}),
  };
  if (parsed.parts.kbJwt !== undefined) {
    const kb = decodeJwt(parsed.parts.kbJwt);
    if (kb.ok) {
      const { nonce, aud, iat } = kb.payload;
      read.keyBinding = {
        ...(typeof nonce === 'string' ? { nonce } : {}),
        ...(typeof aud === 'string' ? { audience: aud } : {}),
        ...(typeof iat === 'number' && Number.isFinite(iat) ? { issuedAt: iat } : {}),
      };
    } else {
      read.keyBinding = {};
    }
  }
  return { ok: true, read };
}

/** `iss`, unless `x5c` carries the key and its leaf does not name `iss` (then `x509_hash:` of the leaf). `null`: no issuer at all. */
function issuerOf(iss: string | undefined, x5c: unknown): string | null {
  if (x5c === undefined || (iss !== undefined && isDid(iss))) return iss ?? null;
  const first = Array.isArray(x5c) ? x5c[0] : undefined;
  if (typeof first !== 'string' || first.length > 24 * 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(first)) return iss ?? null;
  const der = new Uint8Array(Buffer.from(first, 'base64'));
  if (iss !== undefined) {
    try {
      if (certificateNames(new X509Certificate(der).subjectAltName, iss)) return iss;
    } catch {
      // not a certificate: the x5c route refuses it when verifying
    }
  }
  return x509HashIdentifier(der);
}

/** The holder `cnf` names (RFC 7800): `cnf.jwk`'s RFC 9278 thumbprint URI, or `cnf.kid`'s DID. */
function holderOf(cnf: unknown): { holder?: string; holderDid?: string } {
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return {};
  const { jwk, kid } = cnf as { jwk?: unknown; kid?: unknown };
  if (jwk !== undefined) {
    const parsed = parsePublicJwk(jwk);
    return parsed.ok ? { holder: `${JWK_THUMBPRINT_URI}${jwkThumbprint(parsed.jwk)}` } : {};
  }
  if (typeof kid === 'string' && kid.includes('#')) {
    const did = splitDidUrl(kid)?.did;
    return did !== undefined ? { holder: did, holderDid: did } : {};
  }
  return {};
}
