import type { CredentialFormat } from '../core/model/policy.js';

/**
 * How each credential format kparty verifies is named and described over
 * OpenID4VP 1.0 (Appendix B): its format identifier and its
 * `vp_formats_supported` entry for `client_metadata` (OpenID4VP 1.0 §11.1).
 * A format without an entry (VC-DM 2.0 `vc+jwt` has no OpenID4VP 1.0
 * identifier) cannot be requested over OpenID4VP; it stays usable through
 * `POST /v1/presentations/verify`.
 *
 * The formats answer this here so no format name leaks into src/oid4vp
 * (when the format handler registry of issue 10 lands, each handler answers it).
 */
interface Openid4vpFormat {
  /** OpenID4VP 1.0 format identifier. */
  identifier: string;
  /** The format's `vp_formats_supported` parameters (OpenID4VP 1.0 Appendix B). */
  parameters: Record<string, unknown>;
}

/** JWS algorithms kparty verifies for VC-DM 1.1 JWT presentations and credentials (src/crypto/signature-algorithms.ts). */
const JWT_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'ES256K', 'EdDSA', 'Ed25519', 'RS256', 'PS256', 'RS384', 'PS384', 'RS512', 'PS512'];

const OPENID4VP_FORMATS: Partial<Record<CredentialFormat, Openid4vpFormat>> = {
  // OpenID4VP 1.0 Appendix B.1.3.1 (W3C VC secured with JOSE, VC-DM 1.1): `alg_values`.
  jwt_vc_json: { identifier: 'jwt_vc_json', parameters: { alg_values: JWT_ALGORITHMS } },
};

/** The OpenID4VP 1.0 identifier of a policy credential format, or undefined when it has none kparty can verify. */
export function openid4vpFormatIdentifier(format: string): string | undefined {
  return OPENID4VP_FORMATS[format as CredentialFormat]?.identifier;
}

/** `client_metadata.vp_formats_supported` for the given policy formats (each must have an identifier). */
export function vpFormatsSupported(formats: readonly string[]): Record<string, Record<string, unknown>> {
  const supported: Record<string, Record<string, unknown>> = {};
  for (const format of formats) {
    const entry = OPENID4VP_FORMATS[format as CredentialFormat];
    if (entry) supported[entry.identifier] = entry.parameters;
  }
  return supported;
}
