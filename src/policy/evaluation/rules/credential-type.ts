/**
 * DCQL `meta` (OpenID4VP 1.0 §6.1 and Appendix B): the credential's type,
 * as its format defines the `meta` members (`type_values` for the W3C
 * formats, `vct_values` for SD-JWT VC, `doctype_value` for mdoc). A query
 * whose format kparty does not know matches nothing (fails closed).
 */
import { credentialFormat as registeredFormat } from '../../../formats/registered-formats.js';
import type { CandidateRule } from './candidate-rule.js';

export const credentialTypeRule: CandidateRule = (query, credential, options) => {
  const format = (options.credentialFormat ?? registeredFormat)(credential.format);
  if (!format) return [{ code: 'credential.type_mismatch', detail: `kparty does not know the credential format ${JSON.stringify(credential.format)}` }];
  return format.metaMismatches(query.meta ?? {}, credential).map((detail) => ({ code: 'credential.type_mismatch' as const, detail }));
};
