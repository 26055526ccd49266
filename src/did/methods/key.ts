import { encodeBase64url } from '../../crypto/base64url.js';
import { LruMap } from '../../crypto/lru.js';
import { ed25519ToX25519 } from '../../crypto/raw-public-key.js';
import { deepFreeze } from '../deep-freeze.js';
import type { DidDocument, VerificationMethod } from '../did-document.js';
import { DidResolutionError, type DidMethodResolver } from '../did-method-resolver.js';
import { parseDid } from '../did-syntax.js';
import { decodeMultibaseKey, encodeMultibaseKey } from '../multikey.js';

/** Default number of did:key documents kept (they sit on the hot path of every verification). */
export const DEFAULT_DID_KEY_CACHE_SIZE = 10_000;

const JWS_2020_CONTEXT = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'];

/**
 * did:key, W3C CCG https://w3c-ccg.github.io/did-method-key/ : the DID is the
 * public key (`did:key:z` + base58btc(multicodec varint ‖ key bytes)), so
 * resolution is pure computation, no I/O.
 *
 * Supported keys: Ed25519 (0xed), X25519 (0xec), P-256 (0x1200), P-384
 * (0x1201) and P-521 (0x1202) compressed, secp256k1 (0xe7) compressed, RSA
 * (0x1205, DER PKCS #1).
 *
 * The document's verification methods are `JsonWebKey2020` with
 * `publicKeyJwk` (the spec's `publicKeyFormat: "JsonWebKey2020"`): one key
 * representation for every key type, and the form JOSE verification reads.
 * Method ids are `did:key:<id>#<id>`. The key is listed in authentication,
 * assertionMethod, capabilityInvocation and capabilityDelegation; an Ed25519
 * key also brings its X25519 key (Edwards → Montgomery) in keyAgreement
 * (`enableEncryptionKeyDerivation`, id `#z6LS…`); an X25519 key is listed in
 * keyAgreement only. The published test vectors (commit f5abee8) also list
 * NIST-curve, secp256k1 and RSA keys in keyAgreement; kparty lists them for
 * signing only: a verifier never uses keyAgreement, and naming one key for
 * both purposes only invites key reuse. Key material and method ids match
 * the vectors exactly (key.spec.ts).
 *
 * Documents are cached by DID in a bounded LRU and returned frozen.
 */
export class DidKeyResolver implements DidMethodResolver {
  readonly method = 'key';
  readonly #cache: LruMap<string, DidDocument>;

  constructor(options: { cacheSize?: number } = {}) {
    this.#cache = new LruMap(options.cacheSize ?? DEFAULT_DID_KEY_CACHE_SIZE);
  }

  /** Number of cached documents (bounded by the cache size). */
  get cachedDocuments(): number {
    return this.#cache.size;
  }

  async resolve(did: string): Promise<DidDocument> {
    const cached = this.#cache.get(did);
    if (cached) return cached;
    const document = deepFreeze(didKeyDocument(did));
    this.#cache.set(did, document);
    return document;
  }
}

/**
 * Builds the DID document of a did:key (no cache).
 * @throws DidResolutionError for anything that is not a supported, valid did:key.
 */
export function didKeyDocument(did: string): DidDocument {
  const parsed = parseDid(did);
  if (!parsed || parsed.method !== 'key') throw new DidResolutionError('not a did:key');
  const id = parsed.methodSpecificId;
  if (id.includes(':')) throw new DidResolutionError('unsupported did:key version');
  const key = decodeMultibaseKey(id);
  if (!key.ok) throw new DidResolutionError(`invalid did:key: ${key.detail}`);

  const signingMethod: VerificationMethod = {
    id: `${did}#${id}`,
    type: 'JsonWebKey2020',
    controller: did,
    publicKeyJwk: { ...key.jwk },
  };

  if (key.codec === 'x25519-pub') {
    return { '@context': [...JWS_2020_CONTEXT], id: did, verificationMethod: [signingMethod], keyAgreement: [signingMethod.id] };
  }

  const document: DidDocument = {
    '@context': [...JWS_2020_CONTEXT],
    id: did,
    verificationMethod: [signingMethod],
    authentication: [signingMethod.id],
    assertionMethod: [signingMethod.id],
    capabilityInvocation: [signingMethod.id],
    capabilityDelegation: [signingMethod.id],
  };

  if (key.codec === 'ed25519-pub') {
    const x25519 = ed25519ToX25519(key.raw);
    if (!x25519) throw new DidResolutionError('invalid did:key: invalid ed25519-pub key');
    const agreementMethod: VerificationMethod = {
      id: `${did}#${encodeMultibaseKey('x25519-pub', x25519)}`,
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: { kty: 'OKP', crv: 'X25519', x: encodeBase64url(x25519) },
    };
    document.verificationMethod?.push(agreementMethod);
    document.keyAgreement = [agreementMethod.id];
  }
  return document;
}
