import { X509Certificate } from 'node:crypto';
import { MDL_DS_EKU, x509HashIdentifier } from '../../../trust/index.js';
import type { ChainValidator } from '../chain-validator.js';

/**
 * For published DeviceResponses whose IACA is not published (the ISO/IEC
 * 18013-5 Annex D example, the French playground, Ubique): trusts exactly one
 * document signer certificate, as those vectors' own tests do. It still
 * checks that the chain's leaf is that certificate, its validity at `now`
 * (with skew) and, unless told otherwise, the document-signer EKU. A trust
 * anchor store would refuse such a non-CA certificate; kparty never does this.
 */
export function pinnedDocumentSigner(der: Uint8Array, options: { requireEku?: boolean } = {}): ChainValidator {
  const pinned = new X509Certificate(der);
  return (chainDer, { now, clockSkewSeconds }) => {
    const leaf = chainDer[0];
    if (!leaf || !Buffer.from(leaf).equals(pinned.raw)) return { ok: false, code: 'credential.issuer_untrusted', detail: 'not the pinned document signer' };
    const skew = clockSkewSeconds * 1000;
    if (Date.parse(pinned.validFrom) - skew > now) return { ok: false, code: 'credential.not_yet_valid', detail: 'the certificate is not valid yet' };
    if (Date.parse(pinned.validTo) + skew < now) return { ok: false, code: 'credential.expired', detail: 'the certificate has expired' };
    if ((options.requireEku ?? true) && !(pinned.keyUsage ?? []).includes(MDL_DS_EKU))
      return { ok: false, code: 'credential.issuer_untrusted', detail: 'no document-signer EKU' };
    return { ok: true, leaf: pinned, publicKey: pinned.publicKey, issuerId: x509HashIdentifier(leaf), keyIds: [] };
  };
}
