import { decodeBase64url } from '../../crypto/base64url.js';
import { LruMap } from '../../crypto/lru.js';
import { parsePublicJwk } from '../../crypto/public-jwk.js';
import { deepFreeze } from '../deep-freeze.js';
import type { DidDocument, VerificationMethod, VerificationRelationship } from '../did-document.js';
import { DidResolutionError, type DidMethodResolver } from '../did-method-resolver.js';
import { parseDid } from '../did-syntax.js';

/** Default number of did:jwk documents kept. */
export const DEFAULT_DID_JWK_CACHE_SIZE = 10_000;

const SIGNING_RELATIONSHIPS: VerificationRelationship[] = ['assertionMethod', 'authentication', 'capabilityInvocation', 'capabilityDelegation'];
/** `key_ops` values that make a key a key-agreement key (RFC 7517 §4.3). */
const KEY_AGREEMENT_OPS = ['deriveKey', 'deriveBits'];

/**
 * did:jwk, https://github.com/quartzjer/did-jwk/blob/main/spec.md : the DID
 * is `did:jwk:` + base64url(UTF-8 JSON of a public JWK); resolution is pure.
 *
 * Refused (`did.unresolvable`): non-canonical base64url, invalid UTF-8 or
 * JSON, anything but a JSON object, private or symmetric keys (`d`, `p`, …,
 * `k`), key types kparty does not support, EC points off their curve.
 *
 * One verification method, `did:jwk:<id>#0`, `JsonWebKey2020`, whose
 * `publicKeyJwk` is the decoded JWK as written. Relationships, per the spec:
 * `use: "sig"` → all but keyAgreement; `use: "enc"` → keyAgreement only; no
 * `use` → all five. Beyond the spec, `key_ops` is respected when present:
 * without `verify` the key is in no signing relationship, without
 * `deriveKey`/`deriveBits` not in keyAgreement. Another `use` is refused.
 *
 * Documents are cached by DID in a bounded LRU and returned frozen.
 */
export class DidJwkResolver implements DidMethodResolver {
  readonly method = 'jwk';
  readonly #cache: LruMap<string, DidDocument>;

  constructor(options: { cacheSize?: number } = {}) {
    this.#cache = new LruMap(options.cacheSize ?? DEFAULT_DID_JWK_CACHE_SIZE);
  }

  /** Number of cached documents (bounded by the cache size). */
  get cachedDocuments(): number {
    return this.#cache.size;
  }

  async resolve(did: string): Promise<DidDocument> {
    const cached = this.#cache.get(did);
    if (cached) return cached;
    const document = deepFreeze(didJwkDocument(did));
    this.#cache.set(did, document);
    return document;
  }
}

/**
 * Builds the DID document of a did:jwk (no cache).
 * @throws DidResolutionError for anything that is not a valid did:jwk of a public key.
 */
export function didJwkDocument(did: string): DidDocument {
  const parsed = parseDid(did);
  if (!parsed || parsed.method !== 'jwk') throw new DidResolutionError('not a did:jwk');
  const bytes = decodeBase64url(parsed.methodSpecificId, { canonical: true });
  if (!bytes) throw new DidResolutionError('invalid did:jwk: not base64url');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new DidResolutionError('invalid did:jwk: not a JSON JWK');
  }
  const jwk = parsePublicJwk(json);
  if (!jwk.ok) throw new DidResolutionError(`invalid did:jwk: ${jwk.detail}`);

  const { use, key_ops: keyOps } = jwk.usage;
  if (use !== undefined && use !== 'sig' && use !== 'enc') throw new DidResolutionError('invalid did:jwk: unsupported use');
  const signs = use !== 'enc' && (keyOps === undefined || keyOps.includes('verify'));
  const agrees = use !== 'sig' && (keyOps === undefined || keyOps.some((op) => KEY_AGREEMENT_OPS.includes(op)));

  const method: VerificationMethod = {
    id: `${did}#0`,
    type: 'JsonWebKey2020',
    controller: did,
    publicKeyJwk: json as VerificationMethod['publicKeyJwk'],
  };
  const document: DidDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: [method],
  };
  if (signs) for (const relationship of SIGNING_RELATIONSHIPS) document[relationship] = [method.id];
  if (agrees) document.keyAgreement = [method.id];
  return document;
}
