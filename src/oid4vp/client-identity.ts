import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SignJWT } from 'jose';
import type { Oid4vpClientIdPrefix } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import type { DidWebRequestKeys } from './did-web-request-keys.js';

/** JOSE `typ` of a signed OpenID4VP request object (RFC 9101 §10.8, OpenID4VP 1.0 §5). */
export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';

/**
 * Who kparty is to a wallet (OpenID4VP 1.0 §5.9: client identifier prefixes)
 * and how it signs request objects under that identity.
 */
export interface ClientIdentity {
  readonly prefix: Oid4vpClientIdPrefix;
  /** The full client_id (with its prefix) of a request whose response goes to `responseUri`. */
  clientId(responseUri: string): string;
  /** Signs a request object; `redirect_uri` requests are unsigned and have no signer. */
  readonly sign?: (payload: Record<string, unknown>) => Promise<string>;
}

/** `redirect_uri` (OpenID4VP 1.0 §5.9.3): unsigned; the client_id is the response_uri. Development only. */
export const redirectUriIdentity: ClientIdentity = {
  prefix: 'redirect_uri',
  clientId: (responseUri) => `redirect_uri:${responseUri}`,
};

/** `decentralized_identifier` (OpenID4VP 1.0 §5.9.3): kparty's own did:web signs, `kid` a DID URL of its document. */
export function decentralizedIdentifierIdentity(keys: DidWebRequestKeys): ClientIdentity {
  return {
    prefix: 'decentralized_identifier',
    clientId: () => `decentralized_identifier:${keys.did}`,
    sign: async (payload) => {
      const key = await keys.current();
      return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.verificationMethodId, typ: REQUEST_OBJECT_TYP }).sign(key.privateKey);
    },
  };
}

/** The JWS algorithm a request-signing key uses (HAIP: ES256 for P-256). */
function algorithmOf(key: KeyObject): string {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
    throw new ConfigError(`KPARTY_OID4VP_X509_KEY: EC curve ${String(curve)} is not supported (use P-256 or P-384)`);
  }
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'rsa') return 'PS256';
  throw new ConfigError(`KPARTY_OID4VP_X509_KEY: ${String(type)} keys are not supported (use P-256, P-384, Ed25519 or RSA)`);
}

/** A request-signing certificate chain (leaf first) and its private key. */
export interface X509RequestSigner {
  chain: X509Certificate[];
  key: KeyObject;
  alg: string;
  /** `x5c`: base64 DER of the chain without a self-signed root (OpenID4VP 1.0 §5.9.3, HAIP). */
  x5c: string[];
  /** base64url SHA-256 of the leaf's DER: the `x509_hash` value. */
  leafHash: string;
}

function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Reads KPARTY_OID4VP_X509_CHAIN / _KEY; any problem is a ConfigError naming the variable. */
export async function loadX509RequestSigner(chainFile: string, keyFile: string): Promise<X509RequestSigner> {
  let chain: X509Certificate[];
  try {
    chain = splitPem(await readFile(chainFile, 'utf8')).map((pem) => new X509Certificate(pem));
  } catch (error) {
    throw new ConfigError(`KPARTY_OID4VP_X509_CHAIN: cannot read certificates from ${chainFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [leaf] = chain;
  if (!leaf) throw new ConfigError(`KPARTY_OID4VP_X509_CHAIN: ${chainFile} holds no PEM certificate`);
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i]!.checkIssued(chain[i + 1]!) || !chain[i]!.verify(chain[i + 1]!.publicKey)) {
      throw new ConfigError(`KPARTY_OID4VP_X509_CHAIN: certificate ${i} is not issued by certificate ${i + 1} (order the chain leaf first)`);
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(keyFile, 'utf8'));
  } catch (error) {
    throw new ConfigError(`KPARTY_OID4VP_X509_KEY: cannot read a private key from ${keyFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!leaf.checkPrivateKey(key)) throw new ConfigError('KPARTY_OID4VP_X509_KEY is not the private key of the first certificate of KPARTY_OID4VP_X509_CHAIN');
  const last = chain[chain.length - 1]!;
  const selfSigned = chain.length > 1 && last.checkIssued(last);
  const withoutRoot = selfSigned ? chain.slice(0, -1) : chain;
  return {
    chain,
    key,
    alg: algorithmOf(key),
    x5c: withoutRoot.map((c) => c.raw.toString('base64')),
    leafHash: createHash('sha256').update(leaf.raw).digest('base64url'),
  };
}

/** DNS names in a certificate's subjectAltName. */
export function dnsNames(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase());
}

/**
 * `x509_san_dns` / `x509_hash` (OpenID4VP 1.0 §5.9.3): the request object is
 * signed with the configured key and carries the chain in `x5c`. For
 * `x509_san_dns` the client_id names a DNS SAN of the leaf, which must be the
 * host of the response_uri (kparty's issuer host).
 */
export function x509Identity(prefix: 'x509_san_dns' | 'x509_hash', signer: X509RequestSigner, issuerHost: string): ClientIdentity {
  let value = signer.leafHash;
  if (prefix === 'x509_san_dns') {
    const host = issuerHost.toLowerCase();
    if (!dnsNames(signer.chain[0]!).includes(host)) {
      throw new ConfigError(
        `KPARTY_OID4VP_X509_CHAIN: for x509_san_dns the leaf certificate must name the KPARTY_ISSUER host "${host}" as a DNS subjectAltName`,
      );
    }
    value = host;
  }
  return {
    prefix,
    clientId: () => `${prefix}:${value}`,
    sign: (payload) => new SignJWT(payload).setProtectedHeader({ alg: signer.alg, x5c: signer.x5c, typ: REQUEST_OBJECT_TYP }).sign(signer.key),
  };
}
