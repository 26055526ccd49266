import type { CheckFailure } from '../../core/model/check.js';
import type { FormatHandler, FormatModule } from '../format-handler.js';
import { verifyCredentialJws, verifyPresentationJws } from '../jose-credential.js';
import { decodeJwtToParse, decodeJwtToRecognise, idOf, isObject, typeList } from '../jwt-parts.js';
import { parseJwtPresentation } from '../jwt-presentation.js';
import { credentialFailure, presentationMalformed, type ParseOutcome } from '../presentation-format.js';
import { w3cCredentialFormat } from '../w3c-credential.js';
import { parseVcJwtV2, VC_JWT_TYP, VC_V2_CONTEXT } from './vc-jwt-v2.js';

export const VP_JWT_TYP = 'vp+jwt';
const ENVELOPED_PREFIX = `data:application/${VC_JWT_TYP},`;

/** VC-DM 2.0 credentials secured with JOSE: no OpenID4VP 1.0 format identifier, so usable through kparty's own endpoints only. */
export const VC_JWT = w3cCredentialFormat(VC_JWT_TYP);

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
export const vpJwtFormat: FormatHandler = {
  presentationFormat: VP_JWT_TYP,
  credentialFormats: [VC_JWT],
  // No OpenID4VP 1.0 identifier (the policy format `vc+jwt` has none): kparty's own endpoints only.
  bindings: ['challenge'],

  recognises(input) {
    const decoded = decodeJwtToRecognise(input);
    return decoded.ok && decoded.header.typ === VP_JWT_TYP;
  },

  parse(input, scope): ParseOutcome {
    const malformed = (detail: string): ParseOutcome => ({ ok: false, failures: [presentationMalformed(detail, scope.path)] });
    const decoded = decodeJwtToParse(input);
    if (!decoded.ok) return malformed(decoded.detail);
    const { payload, jws } = decoded;
    const contexts = payload['@context'];
    if (!Array.isArray(contexts) || contexts[0] !== VC_V2_CONTEXT) return malformed(`"@context" must start with "${VC_V2_CONTEXT}"`);
    if (!typeList(payload.type)?.includes('VerifiablePresentation')) return malformed('"type" must include "VerifiablePresentation"');
    const holder = payload.holder === undefined ? undefined : idOf(payload.holder);
    if (payload.holder !== undefined && !holder) return malformed('"holder" must be a URL or an object with an id');
    if (payload.iss !== undefined && payload.iss !== holder) return malformed('"iss" differs from "holder"');
    const parseEnveloped = (entry: unknown, path: string): ReturnType<typeof parseVcJwtV2> => {
      const jwt = envelopedJwt(entry, path);
      return typeof jwt === 'string' ? parseVcJwtV2(jwt, path) : jwt;
    };
    return parseJwtPresentation(VP_JWT_TYP, payload, jws, holder, payload.verifiableCredential, parseEnveloped, scope);
  },

  verifyHolderProof: verifyPresentationJws,
  verifyIssuerProof: verifyCredentialJws,
};

/** The `vc+jwt` format as registered (src/formats/registered-formats.ts). */
export const vcJoseModule: FormatModule = {
  credentialFormats: [VC_JWT],
  createHandler: () => vpJwtFormat,
};
