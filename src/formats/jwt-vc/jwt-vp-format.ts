import type { FormatHandler, FormatModule } from '../format-handler.js';
import { verifyCredentialJws, verifyPresentationJws } from '../jose-credential.js';
import { decodeJwtToParse, decodeJwtToRecognise, idOf, isObject, typeList } from '../jwt-parts.js';
import { parseJwtPresentation } from '../jwt-presentation.js';
import { presentationMalformed, type ParseOutcome } from '../presentation-format.js';
import { w3cCredentialFormat } from '../w3c-credential.js';
import { SUPPORTED_SIGNATURE_ALGORITHMS } from '../../crypto/signature-algorithms.js';
import { parseVcJwt } from './vc-jwt.js';

/** VC-DM 1.1 JWT credentials: OpenID4VP 1.0 Appendix B.1.3.1 (`jwt_vc_json`, `alg_values`). */
export const JWT_VC_JSON = w3cCredentialFormat('jwt_vc_json', { vpFormatsSupported: { alg_values: SUPPORTED_SIGNATURE_ALGORITHMS } });

/**
 * VC Data Model 1.1, JWT encoding (OpenID4VP format `jwt_vc_json`): a VP-JWT
 * whose `vp` claim holds VC-JWTs in `verifiableCredential`; `iss` is the holder,
 * `nonce` the challenge and `aud` the audience (VC-DM 1.1 §6.3.1).
 */
export const jwtVpFormat: FormatHandler = {
  presentationFormat: 'jwt_vp_json',
  credentialFormats: [JWT_VC_JSON],
  bindings: ['challenge', 'oid4vp'],

  // VC-DM 1.1 gives no media type for the JWS `typ`; "JWT" is common and optional.
  recognises(input) {
    const decoded = decodeJwtToRecognise(input);
    return decoded.ok && decoded.header.typ !== 'vp+jwt' && decoded.payload.vp !== undefined;
  },

  parse(input, scope): ParseOutcome {
    const malformed = (detail: string): ParseOutcome => ({ ok: false, failures: [presentationMalformed(detail, scope.path)] });
    const decoded = decodeJwtToParse(input);
    if (!decoded.ok) return malformed(decoded.detail);
    const { payload, jws } = decoded;
    const vp = payload.vp;
    if (!isObject(vp)) return malformed('"vp" must be an object');
    if (!typeList(vp.type)?.includes('VerifiablePresentation')) return malformed('"vp.type" must include "VerifiablePresentation"');
    const holder = payload.iss;
    if (holder !== undefined && typeof holder !== 'string') return malformed('"iss" (the holder) must be a string');
    if (vp.holder !== undefined && idOf(vp.holder) !== holder) return malformed('"vp.holder" differs from "iss"');
    return parseJwtPresentation('jwt_vp_json', payload, jws, holder, vp.verifiableCredential, parseVcJwt, scope);
  },

  verifyHolderProof: verifyPresentationJws,
  verifyIssuerProof: verifyCredentialJws,
};

/** The `jwt_vc_json` format as registered (src/formats/registered-formats.ts). */
export const jwtVcModule: FormatModule = {
  credentialFormats: [JWT_VC_JSON],
  createHandler: () => jwtVpFormat,
};
