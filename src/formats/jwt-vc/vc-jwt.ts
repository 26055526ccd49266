import type { CheckFailure } from '../../core/model/check.js';
import type { JoseCredential } from '../jose-credential.js';
import { dateTimeSeconds, decodeJwt, idOf, isObject, numericDate, typeList } from '../jwt-parts.js';
import { disagreement } from '../date-range.js';
import { credentialFailure } from '../presentation-format.js';
import { credentialStatusReferences, subjectBindings } from '../w3c-credential.js';

function firstError(...values: Array<number | undefined | Error>): Error | undefined {
  return values.find((v): v is Error => v instanceof Error);
}

/**
 * A VC-JWT of the VC Data Model 1.1 JWT encoding (§6.3.1): the credential in
 * the `vc` claim, with `iss` → issuer, `sub` → credentialSubject.id,
 * `nbf` → issuanceDate, `exp` → expirationDate, `jti` → id. Where both the JWT
 * claim and the `vc` member are present they must agree, or the credential is
 * malformed (a credential must not say two things).
 */
export function parseVcJwt(compact: unknown, path: string): JoseCredential | CheckFailure {
  const decoded = decodeJwt(compact);
  if (!decoded.ok) return credentialFailure(path, decoded.detail);
  const { payload, jws } = decoded;
  const vc = payload.vc;
  if (!isObject(vc)) return credentialFailure(path, 'a jwt_vc_json credential needs a "vc" claim holding an object');
  const issuer = payload.iss;
  if (typeof issuer !== 'string' || issuer === '') return credentialFailure(path, '"iss" (the issuer) is missing');
  if (vc.issuer !== undefined && idOf(vc.issuer) !== issuer) {
    return credentialFailure(path, '"vc.issuer" differs from "iss"');
  }
  const types = typeList(vc.type);
  if (!types?.includes('VerifiableCredential')) return credentialFailure(path, '"vc.type" must include "VerifiableCredential"');

  const subjects = Array.isArray(vc.credentialSubject) ? vc.credentialSubject : [vc.credentialSubject];
  if (subjects.length === 0 || !subjects.every(isObject)) {
    return credentialFailure(path, '"vc.credentialSubject" must be an object');
  }
  const firstSubject = subjects[0] as Record<string, unknown>;
  const sub = payload.sub;
  if (sub !== undefined && typeof sub !== 'string') return credentialFailure(path, '"sub" must be a string');
  if (sub !== undefined && firstSubject.id !== undefined && firstSubject.id !== sub) {
    return credentialFailure(path, '"vc.credentialSubject.id" differs from "sub"');
  }
  const subject = sub ?? (typeof firstSubject.id === 'string' ? firstSubject.id : undefined);

  const iat = numericDate(payload, 'iat');
  const nbf = numericDate(payload, 'nbf');
  const exp = numericDate(payload, 'exp');
  const issuanceDate = dateTimeSeconds(vc.issuanceDate, 'vc.issuanceDate');
  const expirationDate = dateTimeSeconds(vc.expirationDate, 'vc.expirationDate');
  const invalid = firstError(iat, nbf, exp, issuanceDate, expirationDate);
  if (invalid) return credentialFailure(path, invalid.message);
  // VC-DM 1.1 §6.3.1: `exp`, `nbf` and `jti` represent expirationDate, issuanceDate and id; when both are given they must agree.
  const contradiction = disagreement(
    [exp, expirationDate, '"exp" differs from "vc.expirationDate"'],
    [nbf, issuanceDate, '"nbf" differs from "vc.issuanceDate"'],
  );
  if (contradiction) return credentialFailure(path, contradiction);
  if (payload.jti !== undefined && vc.id !== undefined && payload.jti !== vc.id) return credentialFailure(path, '"jti" differs from "vc.id"');

  const document: Record<string, unknown> = {
    ...vc,
    issuer: vc.issuer ?? issuer,
    credentialSubject: Array.isArray(vc.credentialSubject) ? vc.credentialSubject : { ...(subject !== undefined ? { id: subject } : {}), ...firstSubject },
    ...(typeof payload.jti === 'string' && vc.id === undefined ? { id: payload.jti } : {}),
  };
  const issuedAt = (iat ?? nbf ?? issuanceDate) as number | undefined;
  const notBefore = (nbf ?? issuanceDate) as number | undefined;
  const expiresAt = (exp ?? expirationDate) as number | undefined;
  return {
    format: 'jwt_vc_json',
    path,
    issuer,
    issuerKey: { kind: 'did', did: issuer },
    ...(subject !== undefined ? { subject } : {}),
    holderBinding: subjectBindings(vc.credentialSubject, path, subject),
    types,
    document,
    ...(issuedAt !== undefined ? { issuedAt } : {}),
    ...(notBefore !== undefined ? { notBefore } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    status: credentialStatusReferences(vc.credentialStatus, path),
    jws,
  };
}
