/**
 * Test PKI: CA, intermediate and leaf certificates generated in the test with
 * @peculiar/x509 (another library than the verifier's node:crypto path), so no
 * private key is ever committed. ECDSA P-256 throughout.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';
import type { JWK } from 'jose';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface TestCertificate {
  cert: x509.X509Certificate;
  der: Uint8Array;
  pem: string;
  keys: CryptoKeyPair;
  /** base64url subjectKeyIdentifier. */
  ski: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface CertOptions {
  name: string;
  issuer?: TestCertificate;
  ca?: boolean;
  pathLength?: number;
  /** keyUsage bits (x509.KeyUsageFlags); `null` leaves the extension out. */
  keyUsage?: number | null;
  extKeyUsage?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Add an extension marked critical that kparty does not process. */
  unknownCritical?: boolean;
  /** Reuse a key pair (e.g. to make a self-issued certificate). */
  keys?: CryptoKeyPair;
  /** Leave the authority key identifier out. */
  noAki?: boolean;
  sanUri?: string;
  sanDns?: string;
  /** The time validity defaults are relative to (ms); default Date.now(). */
  now?: number;
}

let serial = 1;

export async function makeCertificate(options: CertOptions): Promise<TestCertificate> {
  const keys = options.keys ?? ((await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair);
  const now = options.now ?? Date.now();
  const notBefore = options.notBefore ?? new Date(now - DAY);
  const notAfter = options.notAfter ?? new Date(now + 365 * DAY);
  const ca = options.ca ?? false;
  const extensions: x509.Extension[] = [];
  if (ca || options.pathLength !== undefined) extensions.push(new x509.BasicConstraintsExtension(ca, options.pathLength, true));
  const keyUsage =
    options.keyUsage === undefined
      ? ca
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
        : x509.KeyUsageFlags.digitalSignature
      : options.keyUsage;
  if (keyUsage !== null) extensions.push(new x509.KeyUsagesExtension(keyUsage, true));
  if (options.extKeyUsage) extensions.push(new x509.ExtendedKeyUsageExtension(options.extKeyUsage, false));
  const ski = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey);
  extensions.push(ski);
  if (options.issuer && !options.noAki) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(options.issuer.keys.publicKey));
  if (options.unknownCritical) extensions.push(new x509.Extension('1.3.6.1.4.1.99999.1', true, new Uint8Array([0x05, 0x00])));
  const san: x509.JsonGeneralName[] = [];
  if (options.sanUri) san.push({ type: 'url', value: options.sanUri });
  if (options.sanDns) san.push({ type: 'dns', value: options.sanDns });
  if (san.length) extensions.push(new x509.SubjectAlternativeNameExtension(san));
  const common = {
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    notBefore,
    notAfter,
    extensions,
    signingAlgorithm: ALG,
  };
  const cert = options.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: `CN=${options.name}`,
        issuer: options.issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: options.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: `CN=${options.name}`, keys });
  const privateJwk = (await webcrypto.subtle.exportKey('jwk', keys.privateKey)) as JWK;
  const { d: _d, key_ops: _ops, ext: _ext, ...publicJwk } = privateJwk;
  return {
    cert,
    der: new Uint8Array(cert.rawData),
    pem: cert.toString('pem'),
    keys,
    ski: Buffer.from(ski.keyId, 'hex').toString('base64url'),
    privateJwk: { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y, d: privateJwk.d },
    publicJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y },
  };
}

/** A root CA, an intermediate CA and a leaf for credential signing. */
export async function makePki(
  leafOptions: Partial<CertOptions> = {},
  now?: number,
): Promise<{ root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate }> {
  const at = now === undefined ? {} : { now };
  const root = await makeCertificate({ name: 'Test Root CA', ca: true, ...at });
  const intermediate = await makeCertificate({ name: 'Test Issuing CA', ca: true, pathLength: 0, issuer: root, ...at });
  const leaf = await makeCertificate({ name: 'Test Credential Issuer', issuer: intermediate, ...at, ...leafOptions });
  return { root, intermediate, leaf };
}

/** `x5c` header value (standard base64 DER, RFC 7515 §4.1.6). */
export const x5c = (...certs: TestCertificate[]): string[] => certs.map((c) => Buffer.from(c.der).toString('base64'));
