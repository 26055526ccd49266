/**
 * An mdoc issuer and wallet for the benchmark: @owf/mdoc's own Issuer,
 * DeviceSignedBuilder and DeviceResponse with node:crypto behind its context
 * (ES256 only), an IACA and a document signer generated per run.
 */
import 'reflect-metadata';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CoseKey, DeviceKey, DeviceResponse, DeviceSignedBuilder, Document, Issuer, SessionTranscript, SignatureAlgorithm } from '@owf/mdoc';

x509.cryptoProvider.set(webcrypto);

const publicJwk = (key) => {
  const { kty, crv, x, y } = key.jwk;
  return createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' });
};
const privateJwk = (key) => {
  const { kty, crv, x, y, d } = key.jwk;
  return createPrivateKey({ key: { kty, crv, x, y, d }, format: 'jwk' });
};

/** @owf/mdoc's MdocContext on node:crypto: what its Verifier needs (ES256, SHA-2, a chain check with node's X509Certificate). */
export const mdocContext = {
  crypto: {
    random: (length) => new Uint8Array(randomBytes(length)),
    digest: ({ digestAlgorithm, bytes }) => new Uint8Array(createHash(digestAlgorithm.replace('-', '').toLowerCase()).update(bytes).digest()),
    calculateEphemeralMacKey: () => {
      throw new Error('MAC is not used in the benchmark');
    },
  },
  cose: {
    sign1: {
      sign: ({ toBeSigned, key }) => new Uint8Array(sign('sha256', toBeSigned, { key: privateJwk(key), dsaEncoding: 'ieee-p1363' })),
      verify: ({ key, sign1 }) => verify('sha256', sign1.toBeSigned, { key: publicJwk(key), dsaEncoding: 'ieee-p1363' }, sign1.signature),
    },
    mac0: {
      sign: () => {
        throw new Error('MAC is not used in the benchmark');
      },
      verify: () => false,
    },
  },
  x509: {
    getIssuerNameField: ({ certificate, field }) => new x509.X509Certificate(certificate).issuerName.getField(field),
    getPublicKey: ({ certificate }) => CoseKey.fromJwk(new X509Certificate(certificate).publicKey.export({ format: 'jwk' })),
    verifyCertificateChain: ({ trustedCertificates, x5chain, now }) => {
      const at = (now ?? new Date()).getTime();
      const chain = x5chain.map((der) => new X509Certificate(der));
      for (const cert of chain) if (Date.parse(cert.validFrom) > at || Date.parse(cert.validTo) < at) throw new Error('certificate not valid now');
      for (let i = 0; i + 1 < chain.length; i += 1) if (!chain[i].verify(chain[i + 1].publicKey)) throw new Error('broken chain');
      const last = chain[chain.length - 1];
      const anchors = trustedCertificates.map((der) => new X509Certificate(der));
      if (!anchors.some((a) => a.raw.equals(last.raw) || (last.checkIssued(a) && last.verify(a.publicKey)))) throw new Error('no trusted certificate');
    },
    getCertificateData: ({ certificate }) => {
      const cert = new X509Certificate(certificate);
      return {
        issuerName: cert.issuer,
        subjectName: cert.subject,
        serialNumber: cert.serialNumber,
        thumbprint: cert.fingerprint256,
        notBefore: new Date(cert.validFrom),
        notAfter: new Date(cert.validTo),
        pem: cert.toString(),
      };
    },
  },
};

const P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const YEAR = 365 * 24 * 3600 * 1000;

async function certificate({ subject, issuer, keys, signingKey, ca }) {
  const extensions = ca
    ? [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)]
    : [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true), new x509.ExtendedKeyUsageExtension(['1.0.18013.5.1.2'], true)];
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: `01${randomBytes(8).toString('hex')}`,
    subject,
    issuer,
    notBefore: new Date(Date.now() - YEAR),
    notAfter: new Date(Date.now() + YEAR),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions,
  });
  return new Uint8Array(cert.rawData);
}

/** One mDL DeviceResponse answering an OpenID4VP 1.0 request, and what verifying it needs. */
export async function mdlDeviceResponse(request) {
  const iacaKeys = await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify']);
  const dsKeys = await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify']);
  const iacaDer = await certificate({
    subject: 'CN=bench IACA, C=UT',
    issuer: 'CN=bench IACA, C=UT',
    keys: iacaKeys,
    signingKey: iacaKeys.privateKey,
    ca: true,
  });
  const dsDer = await certificate({ subject: 'CN=bench DS, C=UT', issuer: 'CN=bench IACA, C=UT', keys: dsKeys, signingKey: iacaKeys.privateKey, ca: false });
  const dsJwk = await webcrypto.subtle.exportKey('jwk', dsKeys.privateKey);
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const devicePrivate = CoseKey.fromJwk({ ...device.privateKey.export({ format: 'jwk' }), alg: 'ES256' });

  const issuer = new Issuer('org.iso.18013.5.1.mDL', mdocContext);
  issuer.addIssuerNamespace('org.iso.18013.5.1', {
    family_name: 'Mustermann',
    given_name: 'Erika',
    birth_date: '1971-09-01',
    issuing_country: 'UT',
    document_number: 'B123456789',
    age_over_18: true,
    age_over_21: true,
  });
  const now = Date.now();
  const issuerSigned = await issuer.sign({
    signingKey: CoseKey.fromJwk({ ...dsJwk, alg: 'ES256' }),
    certificates: [dsDer],
    algorithm: SignatureAlgorithm.ES256,
    digestAlgorithm: 'SHA-256',
    deviceKeyInfo: { deviceKey: DeviceKey.fromJwk(device.publicKey.export({ format: 'jwk' })) },
    validityInfo: { signed: new Date(now - 60_000), validFrom: new Date(now - 60_000), validUntil: new Date(now + YEAR) },
  });
  const sessionTranscript = await SessionTranscript.forOid4Vp(request, mdocContext);
  const deviceSigned = await new DeviceSignedBuilder('org.iso.18013.5.1.mDL', mdocContext).sign({
    signingKey: devicePrivate,
    algorithm: SignatureAlgorithm.ES256,
    sessionTranscript,
    derCertificate: Buffer.from(dsDer).toString('base64'),
  });
  const response = DeviceResponse.createSimple({ documents: [Document.create({ docType: 'org.iso.18013.5.1.mDL', issuerSigned, deviceSigned })] });
  return { base64url: response.encodedForOid4Vp, bytes: response.encode(), iacaDer, sessionTranscript };
}
