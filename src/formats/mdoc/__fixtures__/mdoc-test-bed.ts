import 'reflect-metadata';
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  webcrypto,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  CoseKey,
  DataItem,
  DateOnly,
  DeviceKey,
  DeviceResponse,
  DeviceSignedBuilder,
  Document,
  Issuer,
  IssuerAuth,
  type IssuerSigned,
  IssuerSignedItem,
  KeyType,
  MacAlgorithm,
  SessionTranscript,
  SignatureAlgorithm,
  cborEncode,
  type MdocContext,
} from '@owf/mdoc';

/**
 * An mdoc issuer and wallet for tests, made of @owf/mdoc's own issuing
 * (Issuer) and holder (DeviceSignedBuilder, DeviceResponse) functions, with
 * node:crypto behind its crypto context. Every key and certificate (IACA,
 * document signer, device key) is generated when the test runs.
 */

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const MDL_DOCTYPE = 'org.iso.18013.5.1.mDL';
export const MDL_NAMESPACE = 'org.iso.18013.5.1';
export const PID_DOCTYPE = 'eu.europa.ec.eudi.pid.1';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

function jwkOf(key: KeyObject): Record<string, unknown> {
  return key.export({ format: 'jwk' }) as Record<string, unknown>;
}

function nodeKey(coseKey: CoseKey, kind: 'private' | 'public'): KeyObject {
  const jwk = { ...coseKey.jwk } as Record<string, unknown>;
  delete jwk.alg;
  delete jwk.kid;
  delete jwk.key_ops;
  if (kind === 'public') delete jwk.d;
  return kind === 'private' ? createPrivateKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: jwk, format: 'jwk' });
}

const HASHES: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const ALG_HASH: Record<number, string> = { [-7]: 'sha256', [-35]: 'sha384', [-36]: 'sha512' };

/** @owf/mdoc's MdocContext on node:crypto (ES256/384/512, HMAC-SHA-256, ECDH + HKDF for the MAC key). */
export const nodeMdocContext: MdocContext = {
  crypto: {
    random: (length) => new Uint8Array(randomBytes(length)),
    digest: ({ digestAlgorithm, bytes }) =>
      new Uint8Array(
        createHash(HASHES[digestAlgorithm] ?? 'sha256')
          .update(bytes)
          .digest(),
      ),
    calculateEphemeralMacKey: ({ privateKey, publicKey, sessionTranscriptBytes, info }) => {
      const secret = diffieHellman({ privateKey: nodeKey(CoseKey.decode(privateKey), 'private'), publicKey: nodeKey(CoseKey.decode(publicKey), 'public') });
      const salt = createHash('sha256').update(sessionTranscriptBytes).digest();
      const k = new Uint8Array(hkdfSync('sha256', secret, salt, Buffer.from(info), 32));
      return CoseKey.create({ keyType: KeyType.Oct, k });
    },
  },
  cose: {
    sign1: {
      sign: ({ toBeSigned, key, algorithm }) =>
        new Uint8Array(
          sign(ALG_HASH[Number(algorithm ?? key.algorithm ?? -7)] ?? 'sha256', toBeSigned, { key: nodeKey(key, 'private'), dsaEncoding: 'ieee-p1363' }),
        ),
      verify: ({ key, sign1 }) => {
        const alg = Number(sign1.protectedHeaders.headers?.get(1));
        return verify(ALG_HASH[alg] ?? 'sha256', sign1.toBeSigned, { key: nodeKey(key, 'public'), dsaEncoding: 'ieee-p1363' }, sign1.signature);
      },
    },
    mac0: {
      sign: ({ key, toBeAuthenticated }) =>
        new Uint8Array(
          createHmac('sha256', key.k as Uint8Array)
            .update(toBeAuthenticated)
            .digest(),
        ),
      verify: ({ mac0, key }) =>
        Buffer.from(
          createHmac('sha256', key.k as Uint8Array)
            .update(mac0.toBeAuthenticated)
            .digest(),
        ).equals(Buffer.from(mac0.tag)),
    },
  },
  x509: {
    getIssuerNameField: ({ certificate, field }) => new x509.X509Certificate(certificate).issuerName.getField(field),
    getPublicKey: ({ certificate }) => CoseKey.fromJwk(jwkOf(new X509Certificate(certificate).publicKey)),
    verifyCertificateChain: ({ trustedCertificates, x5chain, now }) => {
      const at = (now ?? new Date()).getTime();
      const chain = x5chain.map((der) => new X509Certificate(der));
      for (const cert of chain) if (Date.parse(cert.validFrom) > at || Date.parse(cert.validTo) < at) throw new Error('certificate not valid at this time');
      for (let i = 0; i + 1 < chain.length; i += 1)
        if (!(chain[i] as X509Certificate).verify((chain[i + 1] as X509Certificate).publicKey)) throw new Error('broken chain');
      const last = chain[chain.length - 1] as X509Certificate;
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

export interface TestCertificate {
  der: Uint8Array;
  keys: CryptoKeyPair;
  /** The private key as a COSE_Key (ES256). */
  coseKey: CoseKey;
}

const YEAR = 365 * 24 * 3600 * 1000;

async function coseKeyOf(keys: CryptoKeyPair): Promise<CoseKey> {
  const jwk = await webcrypto.subtle.exportKey('jwk', keys.privateKey);
  return CoseKey.fromJwk({ ...jwk, alg: 'ES256' } as Record<string, unknown>);
}

/** An IACA (self-signed CA, keyCertSign + cRLSign) — ISO/IEC 18013-5 Annex B.1.2 profile, the parts kparty checks. */
export async function makeIaca(options: { name?: string; notBefore?: Date; notAfter?: Date } = {}): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const name = `CN=${options.name ?? 'kparty test IACA'}, C=UT`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name,
    notBefore: options.notBefore ?? new Date(Date.now() - YEAR),
    notAfter: options.notAfter ?? new Date(Date.now() + 10 * YEAR),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { der: new Uint8Array(cert.rawData), keys, coseKey: await coseKeyOf(keys) };
}

/** A document signer certificate issued by `iaca` — ISO/IEC 18013-5 Annex B.1.4: digitalSignature, EKU 1.0.18013.5.1.2. */
export async function makeDocumentSigner(
  iaca: TestCertificate,
  options: { notBefore?: Date; notAfter?: Date; eku?: string[]; name?: string } = {},
): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const issuer = new x509.X509Certificate(iaca.der);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: `CN=${options.name ?? 'kparty test document signer'}, C=UT`,
    issuer: issuer.subject,
    notBefore: options.notBefore ?? new Date(Date.now() - YEAR),
    notAfter: options.notAfter ?? new Date(Date.now() + YEAR),
    publicKey: keys.publicKey,
    signingKey: iaca.keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(options.eku ?? ['1.0.18013.5.1.2'], true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer, false),
    ],
  });
  return { der: new Uint8Array(cert.rawData), keys, coseKey: await coseKeyOf(keys) };
}

export interface DeviceKeyPair {
  privateKey: CoseKey;
  publicKey: DeviceKey;
  jwk: Record<string, unknown>;
}

export function makeDeviceKey(): DeviceKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = jwkOf(publicKey);
  return { privateKey: CoseKey.fromJwk({ ...jwkOf(privateKey), alg: 'ES256' }), publicKey: DeviceKey.fromJwk(jwk), jwk };
}

export interface IssueOptions {
  docType?: string;
  namespaces?: Record<string, Record<string, unknown>>;
  signer: TestCertificate;
  /** Certificates in x5chain, leaf first; default: the signer's alone (HAIP: no anchor in the chain). */
  chain?: Uint8Array[];
  device: DeviceKeyPair;
  validity?: { signed: Date; validFrom: Date; validUntil: Date };
  digestAlgorithm?: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

export function defaultMdlClaims(): Record<string, Record<string, unknown>> {
  return {
    [MDL_NAMESPACE]: {
      family_name: 'Mustermann',
      given_name: 'Erika',
      birth_date: new DateOnly('1971-09-01'),
      age_over_18: true,
      issue_date: new Date('2024-01-01T00:00:00Z'),
      portrait: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
    },
  };
}

/** Issues with @owf/mdoc's Issuer. */
export async function issue(options: IssueOptions): Promise<IssuerSigned> {
  const now = Date.now();
  const issuer = new Issuer(options.docType ?? MDL_DOCTYPE, nodeMdocContext);
  for (const [namespace, values] of Object.entries(options.namespaces ?? defaultMdlClaims())) issuer.addIssuerNamespace(namespace, values);
  return issuer.sign({
    signingKey: options.signer.coseKey,
    certificates: options.chain ?? [options.signer.der],
    algorithm: SignatureAlgorithm.ES256,
    digestAlgorithm: options.digestAlgorithm ?? 'SHA-256',
    deviceKeyInfo: { deviceKey: options.device.publicKey },
    validityInfo: options.validity ?? { signed: new Date(now - 60_000), validFrom: new Date(now - 60_000), validUntil: new Date(now + YEAR) },
  });
}

/** The OpenID4VP 1.0 request a wallet answers. */
export interface WalletRequest {
  clientId: string;
  nonce: string;
  responseUri: string;
  jwkThumbprint?: Uint8Array;
}

/** @owf/mdoc's own OpenID4VP 1.0 SessionTranscript (SessionTranscript.forOid4Vp). */
export function librarySessionTranscript(request: WalletRequest): Promise<SessionTranscript> {
  return SessionTranscript.forOid4Vp(
    {
      clientId: request.clientId,
      nonce: request.nonce,
      responseUri: request.responseUri,
      ...(request.jwkThumbprint ? { jwkThumbprint: request.jwkThumbprint } : {}),
    },
    nodeMdocContext,
  );
}

/**
 * The wallet: a DeviceResponse (base64url, OpenID4VP 1.0 Appendix B.2.4)
 * with a deviceSignature over the library's OpenID4VP transcript —
 * or, with `mac`, a deviceMac keyed to `mac.readerKey`.
 */
export async function present(
  issuerSigned: IssuerSigned,
  device: DeviceKeyPair,
  request: WalletRequest,
  options: { docType?: string; mac?: { readerKey: DeviceKeyPair } } = {},
): Promise<string> {
  const docType = options.docType ?? issuerSigned.issuerAuth.mobileSecurityObject.docType;
  const sessionTranscript = await librarySessionTranscript(request);
  const builder = new DeviceSignedBuilder(docType, nodeMdocContext);
  const derCertificate = Buffer.from(issuerSigned.issuerAuth.certificate).toString('base64');
  const deviceSigned = options.mac
    ? await builder.tag({
        privateKey: device.privateKey,
        publicKey: CoseKey.fromJwk(options.mac.readerKey.jwk),
        sessionTranscript,
        algorithm: MacAlgorithm.HS256,
        derCertificate,
      })
    : await builder.sign({ signingKey: device.privateKey, algorithm: SignatureAlgorithm.ES256, sessionTranscript, derCertificate });
  const response = DeviceResponse.createSimple({ documents: [Document.create({ docType, issuerSigned, deviceSigned })] });
  return response.encodedForOid4Vp;
}

/** Replaces (or adds) an IssuerSignedItem of `namespace` after signing — what a forger would do. */
export function withItem(
  issuerSigned: IssuerSigned,
  namespace: string,
  item: { digestId: number; elementIdentifier: string; elementValue: unknown; random?: Uint8Array },
): IssuerSigned {
  const items = [...(issuerSigned.getIssuerNamespace(namespace) ?? [])];
  const replacement = IssuerSignedItem.fromOptions({ random: item.random ?? new Uint8Array(randomBytes(32)), ...item });
  const at = items.findIndex((existing) => existing.elementIdentifier === item.elementIdentifier);
  if (at >= 0) items[at] = replacement;
  else items.push(replacement);
  const namespaces = new Map(issuerSigned.issuerNamespaces.issuerNamespaces);
  namespaces.set(namespace, items);
  issuerSigned.issuerNamespaces.issuerNamespaces.clear();
  for (const [key, value] of namespaces) issuerSigned.issuerNamespaces.issuerNamespaces.set(key, value);
  return issuerSigned;
}

/**
 * An IssuerAuth over an MSO written by hand (for MSOs @owf/mdoc refuses to
 * build, e.g. an unknown digest algorithm), signed by `signer`.
 */
export async function signRawMso(mso: Map<string, unknown>, signer: TestCertificate, chain: Uint8Array[] = [signer.der]): Promise<IssuerAuth> {
  return IssuerAuth.create(
    {
      payload: cborEncode(DataItem.fromData(mso)),
      protectedHeaders: new Map([[1, SignatureAlgorithm.ES256]]),
      unprotectedHeaders: new Map<number, unknown>([[33, chain.length === 1 ? chain[0] : chain]]),
      signingKey: signer.coseKey,
    } as unknown as Parameters<typeof IssuerAuth.create>[0],
    nodeMdocContext,
  );
}
