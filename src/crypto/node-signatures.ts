import { constants, sign, verify, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import { isCanonicalEd25519Signature } from './curve-points.js';
import { OffloadPolicy } from './offload-policy.js';

/**
 * JWS algorithms (RFC 7518 §3, RFC 8037 §3.1, the fully-specified `Ed25519`)
 * as node:crypto signs and verifies them — ES256K (secp256k1, RFC 8812 §3.2)
 * included: OpenSSL's secp256k1 verifies ≈ 7× faster than the pure-JavaScript
 * @noble/curves kparty used before (measured for the speed round,
 * docs/benchmarks.md), and the tests still sign with @noble/curves as an
 * independent wallet would. High-S ECDSA signatures are accepted, as for
 * ES256/ES384: replay protection rests on the single-use challenge, never on
 * the signature bytes.
 */
interface NodeAlgorithm {
  /** `null` for EdDSA, which hashes internally. */
  digest: 'sha256' | 'sha384' | 'sha512' | null;
  options: Omit<SignKeyObjectInput, 'key'>;
}

// JWS ECDSA signatures are R || S (RFC 7518 §3.4), not DER.
const ecdsa = (digest: NodeAlgorithm['digest']): NodeAlgorithm => ({ digest, options: { dsaEncoding: 'ieee-p1363' } });
const pkcs1 = (digest: NodeAlgorithm['digest']): NodeAlgorithm => ({ digest, options: { padding: constants.RSA_PKCS1_PADDING } });
// RFC 7518 §3.5: the PSS salt is as long as the hash.
const pss = (digest: NodeAlgorithm['digest']): NodeAlgorithm => ({
  digest,
  options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
});

const NODE_ALGORITHMS: Readonly<Record<string, NodeAlgorithm>> = {
  EdDSA: { digest: null, options: {} },
  Ed25519: { digest: null, options: {} },
  ES256: ecdsa('sha256'),
  ES384: ecdsa('sha384'),
  ES512: ecdsa('sha512'),
  ES256K: ecdsa('sha256'),
  RS256: pkcs1('sha256'),
  RS384: pkcs1('sha384'),
  RS512: pkcs1('sha512'),
  PS256: pss('sha256'),
  PS384: pss('sha384'),
  PS512: pss('sha512'),
};

/** Whether node:crypto signs and verifies `alg` here. */
export function isNodeAlgorithm(alg: string): boolean {
  return Object.hasOwn(NODE_ALGORITHMS, alg);
}

function algorithm(alg: string): NodeAlgorithm {
  const found = Object.hasOwn(NODE_ALGORITHMS, alg) ? NODE_ALGORITHMS[alg] : undefined;
  if (!found) throw new RangeError(`unsupported JWS algorithm ${JSON.stringify(alg)}`);
  return found;
}

/*
 * Where a signature operation runs is the OffloadPolicy's choice: on libuv's
 * thread pool (the callback forms of node:crypto) while the event loop has
 * other requests to serve — a signature check costs more than everything else
 * a request does with its bytes, and there it runs on another core — or
 * inline when the loop would only wait for it. Either way it costs the loop
 * less than jose's WebCrypto (`crypto.subtle`) calls did in the server
 * profiles taken for issue 7 (docs/benchmarks.md has the current ones).
 */
const offload = new OffloadPolicy();

/** How many signature operations ran inline and on the thread pool in this process so far. */
export function signatureOperationCounts(): Readonly<{ inline: number; offloaded: number }> {
  return offload.counts;
}

/**
 * Verifies `signature` over `data` with `key` for the JWS algorithm `alg`.
 * Resolves false for a signature that does not verify (also one of the wrong
 * length); rejects when node:crypto cannot use the key, and throws
 * RangeError for an algorithm it does not serve ({@link isNodeAlgorithm}).
 */
export function verifyJwsSignature(alg: string, data: Uint8Array, key: KeyObject, signature: Uint8Array): Promise<boolean> {
  const { digest, options } = algorithm(alg);
  // RFC 8032 §5.1.7: S < L, and R canonical — refused here, whatever the library would do (curve-points.ts).
  if (digest === null && !isCanonicalEd25519Signature(signature)) return Promise.resolve(false);
  const keyInput = { key, ...options };
  return offload.run(
    () => verify(digest, data, keyInput, signature),
    () => new Promise((resolve, reject) => verify(digest, data, keyInput, signature, (error, valid) => (error ? reject(error) : resolve(valid)))),
  );
}

/**
 * Signatures cheaper than a trip to the thread pool, always made inline: an
 * ES256 or Ed25519 signature takes 40–50 µs of CPU on the benchmark machine,
 * a trip to the pool and back about 55 µs more (thread wake-ups on both
 * sides; measured for issue 18). The session token is signed with one of
 * these. RSA (milliseconds) and secp256k1 (~450 µs) still go by the policy.
 */
const INLINE_SIGNING: ReadonlySet<string> = new Set(['ES256', 'EdDSA', 'Ed25519']);

/** Signs `data` with `key` for the JWS algorithm `alg` (JWS signature encoding). */
export function signJws(alg: string, data: Uint8Array, key: KeyObject): Promise<Buffer> {
  const { digest, options } = algorithm(alg);
  const keyInput = { key, ...options };
  if (INLINE_SIGNING.has(alg)) {
    try {
      return Promise.resolve(sign(digest, data, keyInput));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return offload.run(
    () => sign(digest, data, keyInput),
    () => new Promise((resolve, reject) => sign(digest, data, keyInput, (error, signature) => (error ? reject(error) : resolve(signature)))),
  );
}
