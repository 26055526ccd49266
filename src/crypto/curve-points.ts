import { ed25519 } from '@noble/curves/ed25519.js';
import { LruMap } from './lru.js';

/** Keys judged recently (hex → problem or ''): the subgroup check costs a scalar multiplication (~2 ms), keys repeat. */
const judged = new LruMap<string, string>(10_000);

/**
 * Ed25519 public keys and signatures kparty accepts ("Taming the many
 * EdDSAs", Chalkias, Garillot, Nikolaenko 2020; RFC 8032 §5.1.3, §5.1.7):
 *
 * - the key is the canonical encoding of a point (y < p; no "negative zero"
 *   x = 0 with the sign bit set), decoded strictly as RFC 8032 §5.1.3 says;
 * - the point is not of small order (the neutral element and the 7 other
 *   points of order 2, 4 or 8): with such a key, R = identity and S = 0
 *   "verify" any message, so a presentation would be accepted with no
 *   private key behind it;
 * - the point lies in the prime-order subgroup (no torsion component):
 *   honest key generation (a·B) never makes anything else, and a mixed-order
 *   key verifies differently under cofactored and cofactorless equations;
 * - a signature's S is below the group order L (RFC 8032 §5.1.7 step 1),
 *   and its R is a canonical encoding.
 *
 * Returns why a key is refused, or undefined when it is fine.
 */
export function ed25519KeyProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length !== 32) return 'an Ed25519 key is 32 bytes';
  const hex = Buffer.from(bytes).toString('hex');
  let problem = judged.get(hex);
  if (problem === undefined) {
    problem = judgeEd25519Key(bytes) ?? '';
    judged.set(hex, problem);
  }
  return problem === '' ? undefined : problem;
}

function judgeEd25519Key(bytes: Uint8Array): string | undefined {
  let point;
  try {
    point = ed25519.Point.fromBytes(bytes, false);
  } catch {
    return 'not the canonical encoding of an Ed25519 point';
  }
  if (point.isSmallOrder()) return 'an Ed25519 key of small order (the neutral element or a low-order point)';
  if (!point.isTorsionFree()) return 'an Ed25519 key outside the prime-order subgroup';
  return undefined;
}

/** The group order L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1), little-endian. */
const L_BYTES = Uint8Array.from(Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex'));

/** Whether the 32-byte little-endian number `bytes` is below `bound` (also little-endian). */
function below(bytes: Uint8Array, bound: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = bytes[i] as number;
    const b = bound[i] as number;
    if (a !== b) return a < b;
  }
  return false;
}

/** Whether a point encoding's y (its low 255 bits) is below p = 2^255 - 19, i.e. canonical (RFC 8032 §5.1.3 step 1). */
function canonicalY(encoding: Uint8Array): boolean {
  if (((encoding[31] as number) & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (encoding[i] !== 0xff) return true;
  return (encoding[0] as number) < 0xed;
}

/**
 * Whether a 64-byte Ed25519 signature R ‖ S is canonical: S < L (RFC 8032
 * §5.1.7) and R's y below p. Byte comparisons only — this runs on every
 * verification, so it decodes no point (the signature check itself compares
 * R's encoding).
 */
export function isCanonicalEd25519Signature(signature: Uint8Array): boolean {
  return signature.length === 64 && below(signature.subarray(32), L_BYTES) && canonicalY(signature.subarray(0, 32));
}
