import { COSE_SIGNATURE_ALGORITHMS } from './cose.js';

/**
 * What the mdoc format says about itself to the rest of kparty (the format
 * registry, OpenID4VP client metadata, DCQL): kept here so no other folder
 * names it.
 */

/** The OpenID4VP 1.0 Credential Format Identifier (Appendix B.2). */
export const MDOC_FORMAT = 'mso_mdoc';

/** mdoc device authentication is bound to the OpenID4VP session transcript: there is no other way to present one. */
export const MDOC_OPENID4VP_ONLY = true;

/** `vp_formats_supported` entry for client_metadata (OpenID4VP 1.0 Appendix B.2.2). */
export function mdocVpFormatsSupported(): Record<string, { issuerauth_alg_values: number[]; deviceauth_alg_values: number[] }> {
  return { [MDOC_FORMAT]: { issuerauth_alg_values: [...COSE_SIGNATURE_ALGORITHMS], deviceauth_alg_values: [...COSE_SIGNATURE_ALGORITHMS] } };
}

/** DCQL `meta` keys of the format (OpenID4VP 1.0 Appendix B.2.3). */
export const MDOC_META_KEYS: readonly string[] = ['doctype_value'];

/** Whether a document of `docType` answers a credential query's `meta` (`doctype_value`, required for mso_mdoc). */
export function mdocMatchesMeta(meta: Record<string, unknown> | undefined, docType: string): boolean {
  return typeof meta?.doctype_value === 'string' && meta.doctype_value === docType;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Whether `input` looks like an OpenID4VP `vp_token` mdoc value: base64url
 * (no dots, no `~`) whose first byte opens a CBOR map and whose first key is
 * one of DeviceResponse's (`version`, `documents`, `status`). Cheap: decodes
 * only the first dozen bytes.
 */
export function looksLikeDeviceResponse(input: unknown): boolean {
  if (typeof input !== 'string' || input.length < 16 || !BASE64URL.test(input)) return false;
  const head = Buffer.from(input.slice(0, 24), 'base64url');
  const first = head[0];
  if (first === undefined || first < 0xa1 || first > 0xbb) return false;
  const text = head.toString('latin1');
  return text.includes('version') || text.includes('documents') || text.includes('status');
}
