import type { CheckFailure } from '../../core/model/check.js';
import { decodeJwtToParse, decodeJwtToRecognise, idOf, isObject, typeList } from '../jwt-parts.js';
import { parseJwtPresentation } from '../jwt-presentation.js';
import { credentialFailure, presentationMalformed, type ParseOutcome, type PresentationFormatHandler } from '../presentation-format.js';
import { parseVcJwtV2, VC_JWT_TYP, VC_V2_CONTEXT } from './vc-jwt-v2.js';

export const VP_JWT_TYP = 'vp+jwt';
const ENVELOPED_PREFIX = `data:application/${VC_JWT_TYP},`;

/** The VC-JWT inside an `EnvelopedVerifiableCredential` (VC-DM 2.0 §4.13: a data: URL). */
function envelopedJwt(entry: unknown, path: string): string | CheckFailure {
  if (!isObject(entry) || !typeList(entry.type)?.includes('EnvelopedVerifiableCredential')) {
    return credentialFailure(path, 'credentials in a vp+jwt must be EnvelopedVerifiableCredential objects');
  }
  if (typeof entry.id !== 'string' || !entry.id.startsWith(ENVELOPED_PREFIX)) {
    return credentialFailure(path, `the enveloped credential's "id" must be a "${ENVELOPED_PREFIX}<jwt>" data URL`);
  }
  return entry.id.slice(ENVELOPED_PREFIX.length);
}

/**
 * VC Data Model 2.0 presentations secured with JOSE (W3C VC-JOSE-COSE §3.2):
 * a JWS with `typ: vp+jwt` whose payload is the presentation; `holder` is the
 * signer; `nonce` and `aud` JWT claims carry the challenge and audience.
 */
export const vpJwtFormat: PresentationFormatHandler = {
  format: 'vp+jwt',
  credentialFormats: ['vc+jwt'],
  typ: { presentation: [VP_JWT_TYP], credential: [VC_JWT_TYP] },

  recognises(input) {
    const decoded = decodeJwtToRecognise(input);
    return decoded.ok && decoded.header.typ === VP_JWT_TYP;
  },

  parse(input): ParseOutcome {
    const decoded = decodeJwtToParse(input);
    if (!decoded.ok) return { ok: false, failures: [presentationMalformed(decoded.detail)] };
    const { payload, jws } = decoded;
    const contexts = payload['@context'];
    if (!Array.isArray(contexts) || contexts[0] !== VC_V2_CONTEXT) {
      return { ok: false, failures: [presentationMalformed(`"@context" must start with "${VC_V2_CONTEXT}"`)] };
    }
    if (!typeList(payload.type)?.includes('VerifiablePresentation')) {
      return { ok: false, failures: [presentationMalformed('"type" must include "VerifiablePresentation"')] };
    }
    const holder = payload.holder === undefined ? undefined : idOf(payload.holder);
    if (payload.holder !== undefined && !holder) return { ok: false, failures: [presentationMalformed('"holder" must be a URL or an object with an id')] };
    if (payload.iss !== undefined && payload.iss !== holder) {
      return { ok: false, failures: [presentationMalformed('"iss" differs from "holder"')] };
    }
    return parseJwtPresentation('vp+jwt', payload, jws, holder, payload.verifiableCredential, (entry, path) => {
      const jwt = envelopedJwt(entry, path);
      return typeof jwt === 'string' ? parseVcJwtV2(jwt, path) : jwt;
    });
  },
};
