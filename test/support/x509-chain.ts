/**
 * A throw-away certificate chain for OpenID4VP request signing, made with
 * @peculiar/x509 (not kparty's code): a self-signed root CA and a leaf with
 * DNS subjectAltNames, written as PEM files. No real keys are committed.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestChainFiles {
  chainFile: string;
  keyFile: string;
  /** DER of the leaf. */
  leafDer: Uint8Array;
}

function pemKey(pkcs8: ArrayBuffer): string {
  const b64 = Buffer.from(pkcs8).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

export async function makeRequestSigningChain(dnsNames: string[], options: { includeRoot?: boolean } = {}): Promise<TestChainFiles> {
  const rootKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const leafKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 7 * 86_400_000);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=kparty test verifier root',
    notBefore,
    notAfter,
    keys: rootKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${dnsNames[0] ?? 'kparty'}`,
    issuer: root.subject,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'kparty-x509-'));
  const chainFile = join(dir, 'chain.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(chainFile, [leaf.toString('pem'), ...(options.includeRoot === false ? [] : [root.toString('pem')])].join('\n'));
  writeFileSync(keyFile, pemKey(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey)));
  return { chainFile, keyFile, leafDer: new Uint8Array(leaf.rawData) };
}
