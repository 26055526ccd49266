import type { CheckFailure } from '../../core/model/check.js';
import type { JoseCredential } from '../jose-credential.js';
import { dateTimeSeconds, decodeJwt, idOf, isObject, numericDate, typeList } from '../jwt-parts.js';
import { disagreement } from '../date-range.js';
import { credentialFailure } from '../presentation-format.js';
import { credentialStatusReferences, subjectBindings } from '../w3c-credential.js';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

/** JOSE `typ` of a VC-DM 2.0 credential secured as a JWT (VC-JOSE-COSE §3.1.1). */
export const VC_JWT_TYP = 'vc+jwt';

/**
 * A VC Data Model 2.0 credential secured with JOSE (W3C VC-JOSE-COSE): the JWS
 * payload IS the credential; `validFrom`/`validUntil` give its validity. JWT
 * claims that duplicate credential members (`iss`, `sub`, `nbf`, `exp`) must agree with them.
 */
export function parseVcJwtV2(compact: unknown, path: string): JoseCredential | CheckFailure {
  const decoded = decodeJwt(compact);
  if (!decoded.ok) return credentialFailure(path, decoded.detail);
  const { payload, jws } = decoded;
  if (jws.typ !== VC_JWT_TYP) return credentialFailure(path, `the JWS "typ" must be "${VC_JWT_TYP}"`);
  const contexts = payload['@context'];
  if (!Array.isArray(contexts) || contexts[0] !== VC_V2_CONTEXT) {
    return credentialFailure(path, `"@context" must start with "${VC_V2_CONTEXT}"`);
  }
  const types = typeList(payload.type);
  if (!types?.includes('VerifiableCredential')) return credentialFailure(path, '"type" must include "VerifiableCredential"');
  const issuer = idOf(payload.issuer);
  if (!issuer) return credentialFailure(path, '"issuer" is missing');
  if (payload.iss !== undefined && payload.iss !== issuer) return credentialFailure(path, '"iss" differs from "issuer"');

  const subjects = Array.isArray(payload.credentialSubject) ? payload.credentialSubject : [payload.credentialSubject];
  if (subjects.length === 0 || !subjects.every(isObject)) return credentialFailure(path, '"credentialSubject" must be an object');
  const subjectId = (subjects[0] as Record<string, unknown>).id;
  if (subjectId !== undefined && typeof subjectId !== 'string') return credentialFailure(path, '"credentialSubject.id" must be a string');
  if (payload.sub !== undefined && payload.sub !== subjectId) return credentialFailure(path, '"sub" differs from "credentialSubject.id"');

  const validFrom = dateTimeSeconds(payload.validFrom, 'validFrom');
  const validUntil = dateTimeSeconds(payload.validUntil, 'validUntil');
  const iat = numericDate(payload, 'iat');
  const nbf = numericDate(payload, 'nbf');
  const exp = numericDate(payload, 'exp');
  for (const value of [validFrom, validUntil, iat, nbf, exp]) {
    if (value instanceof Error) return credentialFailure(path, value.message);
  }
  // JWT claims that duplicate credential members must say the same thing (a credential must not say two things).
  const contradiction = disagreement([nbf, validFrom, '"nbf" differs from "validFrom"'], [exp, validUntil, '"exp" differs from "validUntil"']);
  if (contradiction) return credentialFailure(path, contradiction);
  if (payload.jti !== undefined && payload.id !== undefined && payload.jti !== payload.id) return credentialFailure(path, '"jti" differs from "id"');
  const issuedAt = (validFrom ?? iat ?? nbf) as number | undefined;
  const notBefore = (validFrom ?? nbf) as number | undefined;
  // The earlier of two stated ends is the one that binds.
  const ends = [validUntil, exp].filter((v): v is number => typeof v === 'number');
  const expiresAt = ends.length > 0 ? Math.min(...ends) : undefined;

  return {
    format: 'vc+jwt',
    path,
    issuer,
    issuerKey: { kind: 'did', did: issuer },
    ...(typeof subjectId === 'string' ? { subject: subjectId } : {}),
    holderBinding: subjectBindings(payload.credentialSubject, path),
    types,
    document: payload,
    ...(issuedAt !== undefined ? { issuedAt } : {}),
    ...(notBefore !== undefined ? { notBefore } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    status: credentialStatusReferences(payload.credentialStatus, path),
    jws,
  };
}
