import { KeyObject, type webcrypto } from 'node:crypto';
import { encodeBase64url } from './base64url.js';
import { signJws } from './node-signatures.js';

/** The key type (and curve) each signing algorithm needs, as node:crypto names them. */
const KEY_TYPES: Readonly<Record<string, { type: string; curve?: string }>> = {
  ES256: { type: 'ec', curve: 'prime256v1' },
  ES384: { type: 'ec', curve: 'secp384r1' },
  ES512: { type: 'ec', curve: 'secp521r1' },
  EdDSA: { type: 'ed25519' },
  Ed25519: { type: 'ed25519' },
};

/** Private keys converted to node:crypto once each (a WeakMap: they go when the key ring drops them). */
const keyObjects = new WeakMap<object, KeyObject>();

function signingKeyFor(alg: string, key: webcrypto.CryptoKey | KeyObject): KeyObject {
  let keyObject = key instanceof KeyObject ? key : keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key as webcrypto.CryptoKey);
    keyObjects.set(key, keyObject);
  }
  const wanted = Object.hasOwn(KEY_TYPES, alg) ? KEY_TYPES[alg] : undefined;
  // A key of another type would sign under a wrong `alg` label; refuse (as jose does).
  if (
    !wanted ||
    keyObject.type !== 'private' ||
    keyObject.asymmetricKeyType !== wanted.type ||
    (wanted.curve !== undefined && keyObject.asymmetricKeyDetails?.namedCurve !== wanted.curve)
  ) {
    throw new TypeError(`the signing key cannot sign ${JSON.stringify(alg)}`);
  }
  return keyObject;
}

/**
 * Signs a JWT (RFC 7519) as a compact JWS (RFC 7515 §7.1): the header and the
 * claims exactly as given, JSON-serialised and base64url-encoded, signed with
 * node:crypto (node-signatures.ts). kparty's session tokens are signed here
 * on the hot path of every verification, rather than with jose's `SignJWT`,
 * whose WebCrypto signing took the event loop about twice as long per token
 * in the server profiles taken for issue 7; jose still verifies them in the
 * tests, as any relying party would.
 *
 * @throws TypeError when the key cannot sign `header.alg` (ES256/384/512, EdDSA).
 */
export async function signJwt(
  header: { alg: string; kid?: string; typ?: string },
  claims: Record<string, unknown>,
  key: webcrypto.CryptoKey | KeyObject,
): Promise<string> {
  const signingKey = signingKeyFor(header.alg, key);
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
  const signature = await signJws(header.alg, Buffer.from(signingInput, 'latin1'), signingKey);
  return `${signingInput}.${encodeBase64url(signature)}`;
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
