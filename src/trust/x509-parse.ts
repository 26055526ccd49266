import 'reflect-metadata';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  AuthorityKeyIdentifierExtension,
  X509Certificate as PeculiarCertificate,
} from '@peculiar/x509';

/** Largest DER certificate accepted (an X.509 certificate of a real CA is a few KiB). */
export const MAX_CERTIFICATE_BYTES = 16 * 1024;

/** Extensions kparty understands well enough that a `critical` flag on them does not stop path validation (RFC 5280 §4.2). */
const KNOWN_EXTENSIONS = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extKeyUsage
  '2.5.29.19', // basicConstraints
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.32', // certificatePolicies: any policy is acceptable (initial-any-policy, no policy mapping)
  '2.5.29.31', // cRLDistributionPoints: not fetched (docs/security.md)
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess: not fetched
]);

/** One parsed certificate: node:crypto for signatures and names, @peculiar/x509 for extensions. */
export interface ParsedCertificate {
  der: Uint8Array;
  node: NodeCertificate;
  /** basicConstraints cA. */
  ca: boolean;
  /** basicConstraints pathLenConstraint, when present. */
  pathLength: number | undefined;
  /** keyUsage bits (RFC 5280 §4.2.1.3), `undefined` when the extension is absent. */
  keyUsage: number | undefined;
  /** extKeyUsage OIDs, `undefined` when the extension is absent. */
  extKeyUsage: string[] | undefined;
  /** subjectKeyIdentifier, base64url, when present. */
  subjectKeyId: string | undefined;
  /** authorityKeyIdentifier keyIdentifier, base64url, when present. */
  authorityKeyId: string | undefined;
  /** OIDs of critical extensions kparty does not process. */
  unknownCritical: string[];
  notBefore: number;
  notAfter: number;
  /** Digest of the certificate's signature algorithm (e.g. `SHA-256`), when it names one. */
  signatureHash: string | undefined;
}

export type ParseResult = { ok: true; certificate: ParsedCertificate } | { ok: false; detail: string };

const hexToBase64url = (hex: string): string => Buffer.from(hex, 'hex').toString('base64url');

/** Parses one DER certificate; never throws. */
export function parseCertificate(der: Uint8Array): ParseResult {
  if (!(der instanceof Uint8Array) || der.length === 0 || der.length > MAX_CERTIFICATE_BYTES) {
    return { ok: false, detail: `a certificate must be 1 to ${MAX_CERTIFICATE_BYTES} bytes of DER` };
  }
  let node: NodeCertificate;
  let peculiar: PeculiarCertificate;
  try {
    node = new NodeCertificate(Buffer.from(der));
    peculiar = new PeculiarCertificate(Buffer.from(der));
  } catch {
    return { ok: false, detail: 'a certificate is not valid DER X.509' };
  }
  try {
    const basic = peculiar.getExtension(BasicConstraintsExtension);
    const keyUsage = peculiar.getExtension(KeyUsagesExtension);
    const eku = peculiar.getExtension(ExtendedKeyUsageExtension);
    const ski = peculiar.getExtension(SubjectKeyIdentifierExtension);
    const aki = peculiar.getExtension(AuthorityKeyIdentifierExtension);
    const notBefore = peculiar.notBefore.getTime();
    const notAfter = peculiar.notAfter.getTime();
    if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter)) return { ok: false, detail: 'a certificate has an unreadable validity period' };
    const algorithm = peculiar.signatureAlgorithm as { hash?: { name?: string } };
    return {
      ok: true,
      certificate: {
        der: new Uint8Array(der),
        node,
        ca: basic?.ca === true,
        pathLength: basic?.pathLength,
        keyUsage: keyUsage ? keyUsage.usages : undefined,
        extKeyUsage: eku ? eku.usages.map(String) : undefined,
        subjectKeyId: ski ? hexToBase64url(ski.keyId) : undefined,
        authorityKeyId: aki?.keyId ? hexToBase64url(aki.keyId) : undefined,
        unknownCritical: peculiar.extensions.filter((e) => e.critical && !KNOWN_EXTENSIONS.has(e.type)).map((e) => e.type),
        notBefore,
        notAfter,
        signatureHash: algorithm.hash?.name,
      },
    };
  } catch {
    return { ok: false, detail: 'a certificate has malformed extensions' };
  }
}

/** Splits PEM text into DER certificates (`-----BEGIN CERTIFICATE-----` blocks only); `null` when a block is not base64. */
export function pemCertificates(pem: string): Uint8Array[] | null {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  const out: Uint8Array[] = [];
  for (const block of blocks) {
    const body = (block[1] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
    out.push(new Uint8Array(Buffer.from(body, 'base64')));
  }
  return out;
}
