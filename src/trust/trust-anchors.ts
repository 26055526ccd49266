import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { parseCertificate, pemCertificates, type ParsedCertificate } from './x509-parse.js';

/** Most trust anchors one kparty loads (`KPARTY_TRUST_ANCHORS`); more is a configuration mistake. */
export const MAX_TRUST_ANCHORS = 1000;
/** Largest PEM file read from the trust-anchor folder. */
export const MAX_ANCHOR_FILE_BYTES = 1024 * 1024;

/**
 * The X.509 trust anchors (root or intermediate CA certificates) that `x5c`
 * chains of SD-JWT VC issuers, status-list signers and mdoc document signers
 * must end at (docs/operations.md, `KPARTY_TRUST_ANCHORS`). Only CA
 * certificates (basicConstraints cA, keyCertSign when keyUsage is present)
 * are accepted, so a leaf can never be made an anchor by mistake.
 * Immutable once built.
 */
export class TrustAnchorStore {
  private readonly bySubject = new Map<string, ParsedCertificate[]>();
  private readonly fingerprints = new Set<string>();

  private constructor(anchors: readonly ParsedCertificate[]) {
    for (const anchor of anchors) {
      const fingerprint = anchor.node.fingerprint256;
      if (this.fingerprints.has(fingerprint)) continue;
      this.fingerprints.add(fingerprint);
      const list = this.bySubject.get(anchor.node.subject) ?? [];
      list.push(anchor);
      this.bySubject.set(anchor.node.subject, list);
    }
  }

  /** Number of distinct anchor certificates. */
  get size(): number {
    return this.fingerprints.size;
  }

  static empty(): TrustAnchorStore {
    return new TrustAnchorStore([]);
  }

  /**
   * Builds a store from PEM texts (each one or more `CERTIFICATE` blocks).
   * Throws ConfigError for text without a certificate, an unreadable
   * certificate, or a certificate that is not a CA.
   */
  static fromPem(pems: readonly string[], source = 'KPARTY_TRUST_ANCHORS'): TrustAnchorStore {
    const anchors: ParsedCertificate[] = [];
    pems.forEach((pem, index) => anchors.push(...readAnchors(pem, `${source} (PEM #${index + 1})`)));
    if (anchors.length > MAX_TRUST_ANCHORS) throw new ConfigError(`${source} holds more than ${MAX_TRUST_ANCHORS} certificates`);
    return new TrustAnchorStore(anchors);
  }

  /** Loads every `*.pem` file of a folder (not recursive). Throws ConfigError naming `KPARTY_TRUST_ANCHORS` and the file. */
  static async fromFolder(dir: string): Promise<TrustAnchorStore> {
    let names: string[];
    try {
      names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.pem')).map((e) => e.name);
    } catch (cause) {
      throw new ConfigError(`KPARTY_TRUST_ANCHORS: cannot read the folder ${JSON.stringify(dir)} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (names.length === 0) throw new ConfigError(`KPARTY_TRUST_ANCHORS: the folder ${JSON.stringify(dir)} holds no *.pem file`);
    const anchors: ParsedCertificate[] = [];
    for (const name of names.sort()) {
      const path = join(dir, name);
      let text: string;
      try {
        const bytes = await readFile(path);
        if (bytes.length > MAX_ANCHOR_FILE_BYTES) throw new ConfigError(`KPARTY_TRUST_ANCHORS: ${name} is larger than ${MAX_ANCHOR_FILE_BYTES} bytes`);
        text = bytes.toString('utf8');
      } catch (cause) {
        if (cause instanceof ConfigError) throw cause;
        throw new ConfigError(`KPARTY_TRUST_ANCHORS: cannot read ${name}`);
      }
      anchors.push(...readAnchors(text, `KPARTY_TRUST_ANCHORS: ${name}`));
      if (anchors.length > MAX_TRUST_ANCHORS) throw new ConfigError(`KPARTY_TRUST_ANCHORS holds more than ${MAX_TRUST_ANCHORS} certificates`);
    }
    return new TrustAnchorStore(anchors);
  }

  /** Anchors whose subject is exactly `issuerName` (node:crypto's distinguished-name rendering). */
  candidatesFor(issuerName: string): readonly ParsedCertificate[] {
    return this.bySubject.get(issuerName) ?? [];
  }

  /** Whether this exact certificate (SHA-256 fingerprint) is an anchor. */
  has(certificate: ParsedCertificate): boolean {
    return this.fingerprints.has(certificate.node.fingerprint256);
  }
}

const KEY_CERT_SIGN = 32;

function readAnchors(pem: string, where: string): ParsedCertificate[] {
  const ders = pemCertificates(pem);
  if (ders === null) throw new ConfigError(`${where}: a CERTIFICATE block is not base64`);
  if (ders.length === 0) throw new ConfigError(`${where}: no PEM CERTIFICATE block found`);
  return ders.map((der, index) => {
    const parsed = parseCertificate(der);
    if (!parsed.ok) throw new ConfigError(`${where}: certificate #${index + 1}: ${parsed.detail}`);
    const certificate = parsed.certificate;
    if (!certificate.ca) {
      throw new ConfigError(
        `${where}: certificate #${index + 1} (${certificate.node.subject.replace(/\n/g, ', ')}) is not a CA certificate (basicConstraints cA)`,
      );
    }
    if (certificate.keyUsage !== undefined && (certificate.keyUsage & KEY_CERT_SIGN) === 0) {
      throw new ConfigError(`${where}: certificate #${index + 1} is a CA without keyCertSign in its keyUsage`);
    }
    return certificate;
  });
}
