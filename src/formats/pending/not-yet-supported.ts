/**
 * Formats kparty recognises but cannot verify yet (SD-JWT VC, Data
 * Integrity): registered like any format so that the answer names the format
 * (`presentation.format_unsupported`) rather than "malformed", and so that
 * policies asking for them are validated with the right DCQL `meta` rules.
 * Each is replaced by its real folder when it lands.
 */
import type { CheckFailure } from '../../core/model/check.js';
import type { BindingKind, CredentialFormat, FormatHandler, FormatModule } from '../format-handler.js';
import { isObject } from '../jwt-parts.js';
import { w3cCredentialFormat } from '../w3c-credential.js';

function recognisedOnly(options: {
  presentationFormat: string;
  credentialFormat: CredentialFormat;
  recognises(input: unknown): boolean;
  detail: string;
}): FormatModule {
  const unsupported = (path: string): CheckFailure[] => [{ code: 'presentation.format_unsupported', path, detail: options.detail }];
  const bindings: BindingKind[] = ['challenge', 'oid4vp'];
  const handler: FormatHandler = {
    presentationFormat: options.presentationFormat,
    credentialFormats: [options.credentialFormat],
    bindings,
    recognises: options.recognises,
    parse: (_input, scope) => ({ ok: false, failures: unsupported(scope.path) }),
    // Never reached (parsing never succeeds); fail closed all the same.
    verifyHolderProof: async (presentation) => unsupported(presentation.path),
    verifyIssuerProof: async (credential) => unsupported(credential.path),
  };
  return { credentialFormats: [options.credentialFormat], createHandler: () => handler };
}

/** SD-JWT VC (`dc+sd-jwt`): `meta.vct_values`; a query without claims sees every disclosed claim. */
const SD_JWT_VC: CredentialFormat = {
  id: 'dc+sd-jwt',
  metaKeys: ['vct_values'],
  requiredMetaKeys: ['vct_values'],
  metaMismatches(meta, credential) {
    const vctValues = meta.vct_values;
    if (vctValues === undefined) return [];
    const vct = credential.types[0];
    if (Array.isArray(vctValues) && vct !== undefined && vctValues.includes(vct)) return [];
    return [`vct ${vct === undefined ? '(none)' : JSON.stringify(vct)} is not one of ${JSON.stringify(vctValues)}`];
  },
  allClaims: (credential) => structuredClone(credential.document),
};

export const sdJwtVcPending = recognisedOnly({
  presentationFormat: 'dc+sd-jwt',
  credentialFormat: SD_JWT_VC,
  recognises: (input) => typeof input === 'string' && input.includes('~'),
  detail: 'SD-JWT VC presentations (dc+sd-jwt) are not supported yet',
});

export const dataIntegrityPending = recognisedOnly({
  presentationFormat: 'ldp_vp',
  credentialFormat: w3cCredentialFormat('ldp_vc'),
  recognises: (input) => isObject(input),
  detail: 'Data Integrity presentations (ldp_vp) are not supported yet',
});
