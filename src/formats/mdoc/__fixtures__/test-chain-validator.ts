import 'reflect-metadata';
import { createHash, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { ChainValidation, ChainValidator } from '../chain-validator.js';

/**
 * A test double of src/trust's `validateCertificateChain` (CONTRACTS §1
 * signature) until that module is on main: a real path check with
 * node:crypto — every certificate within its validity (with skew), each
 * signed by the next, the last signed by (or equal to) an anchor, the leaf
 * not a CA and, for the document-signer purpose, carrying the ISO/IEC
 * 18013-5 Annex B EKU 1.0.18013.5.1.2; `authorityKeyIds` matched against the
 * subject key identifiers of the path, anchor included.
 */
export const MDOC_DS_EKU = '1.0.18013.5.1.2';

export function testChainValidator(anchorsDer: readonly Uint8Array[]): ChainValidator {
  const anchors = anchorsDer.map((der) => new X509Certificate(der));
  return (chainDer, options): ChainValidation => {
    let certs: X509Certificate[];
    try {
      certs = chainDer.map((der) => new X509Certificate(der));
    } catch {
      return { ok: false, code: 'credential.malformed', detail: 'a certificate of the chain cannot be parsed' };
    }
    const leaf = certs[0];
    if (!leaf) return { ok: false, code: 'credential.malformed', detail: 'the chain is empty' };
    const skew = options.clockSkewSeconds * 1000;
    for (const cert of certs) {
      if (Date.parse(cert.validFrom) - skew > options.now) return { ok: false, code: 'credential.not_yet_valid', detail: `certificate ${cert.subject} is not valid yet` };
      if (Date.parse(cert.validTo) + skew < options.now) return { ok: false, code: 'credential.expired', detail: `certificate ${cert.subject} has expired` };
    }
    if (leaf.ca) return { ok: false, code: 'credential.issuer_untrusted', detail: 'the leaf is a CA certificate' };
    if (options.purpose === 'mdoc-document-signer' && !(leaf.keyUsage ?? []).includes(MDOC_DS_EKU)) {
      return { ok: false, code: 'credential.issuer_untrusted', detail: `the document signer certificate lacks the extended key usage ${MDOC_DS_EKU}` };
    }
    for (let i = 0; i + 1 < certs.length; i += 1) {
      const child = certs[i] as X509Certificate;
      const parent = certs[i + 1] as X509Certificate;
      if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) return { ok: false, code: 'credential.issuer_untrusted', detail: 'the chain is broken' };
    }
    const last = certs[certs.length - 1] as X509Certificate;
    const anchor = anchors.find((a) => a.raw.equals(last.raw)) ?? anchors.find((a) => last.checkIssued(a) && last.verify(a.publicKey));
    if (!anchor) return { ok: false, code: 'credential.issuer_untrusted', detail: 'the chain does not lead to a trust anchor' };
    const path = anchor.raw.equals(last.raw) ? certs : [...certs, anchor];
    const keyIds = path.map(subjectKeyId).filter((id): id is string => id !== undefined);
    if (options.authorityKeyIds && !options.authorityKeyIds.some((id) => keyIds.includes(id))) {
      return { ok: false, code: 'credential.issuer_untrusted', detail: 'no certificate of the path has a key identifier trusted_authorities names' };
    }
    return {
      ok: true,
      leaf,
      publicKey: leaf.publicKey,
      issuerId: `x509_hash:${createHash('sha256').update(leaf.raw).digest('base64url')}`,
      keyIds,
    };
  };
}

function subjectKeyId(cert: X509Certificate): string | undefined {
  const ext = new x509.X509Certificate(cert.raw).getExtension(x509.SubjectKeyIdentifierExtension);
  return ext ? Buffer.from(ext.keyId, 'hex').toString('base64url') : undefined;
}
