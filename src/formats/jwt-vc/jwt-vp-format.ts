import { decodeJwtToParse, decodeJwtToRecognise, idOf, isObject, typeList } from '../jwt-parts.js';
import { parseJwtPresentation } from '../jwt-presentation.js';
import { presentationMalformed, type ParseOutcome, type PresentationFormatHandler } from '../presentation-format.js';
import { parseVcJwt } from './vc-jwt.js';

/**
 * VC Data Model 1.1, JWT encoding (OpenID4VP format `jwt_vc_json`): a VP-JWT
 * whose `vp` claim holds VC-JWTs in `verifiableCredential`; `iss` is the holder,
 * `nonce` the challenge and `aud` the audience (VC-DM 1.1 §6.3.1).
 */
export const jwtVpFormat: PresentationFormatHandler = {
  format: 'jwt_vp_json',
  credentialFormats: ['jwt_vc_json'],
  // VC-DM 1.1 gives no media type for the JWS `typ`; "JWT" is common and optional.
  typ: {},

  recognises(input) {
    const decoded = decodeJwtToRecognise(input);
    return decoded.ok && decoded.header.typ !== 'vp+jwt' && decoded.payload.vp !== undefined;
  },

  parse(input): ParseOutcome {
    const decoded = decodeJwtToParse(input);
    if (!decoded.ok) return { ok: false, failures: [presentationMalformed(decoded.detail)] };
    const { payload, jws } = decoded;
    const vp = payload.vp;
    if (!isObject(vp)) return { ok: false, failures: [presentationMalformed('"vp" must be an object')] };
    if (!typeList(vp.type)?.includes('VerifiablePresentation')) {
      return { ok: false, failures: [presentationMalformed('"vp.type" must include "VerifiablePresentation"')] };
    }
    const holder = payload.iss;
    if (holder !== undefined && typeof holder !== 'string') {
      return { ok: false, failures: [presentationMalformed('"iss" (the holder) must be a string')] };
    }
    if (vp.holder !== undefined && idOf(vp.holder) !== holder) {
      return { ok: false, failures: [presentationMalformed('"vp.holder" differs from "iss"')] };
    }
    return parseJwtPresentation('jwt_vp_json', payload, jws, holder, vp.verifiableCredential, parseVcJwt);
  },
};
