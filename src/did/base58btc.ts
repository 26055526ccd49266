/**
 * Base58btc (the Bitcoin alphabet), the encoding of multibase prefix `z`
 * used by did:key and `publicKeyMultibase`, and of the older `publicKeyBase58`.
 * https://datatracker.ietf.org/doc/html/draft-msporny-base58-03
 *
 * The conversion is quadratic in the input length, so callers bound the
 * length first ({@link MAX_BASE58_LENGTH}); the largest key kparty accepts
 * (RSA 8192, DER) encodes in about 1,430 characters.
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT_OF[ALPHABET.charCodeAt(i)] = i;

/** Longest base58btc string decoded, in characters: room for an RSA-8192 did:key, no more. */
export const MAX_BASE58_LENGTH = 1500;

/** Decodes base58btc; `null` for an empty, over-long or non-alphabet string. */
export function decodeBase58btc(text: string): Uint8Array | null {
  if (text.length === 0 || text.length > MAX_BASE58_LENGTH) return null;
  let zeros = 0;
  while (zeros < text.length && text.charCodeAt(zeros) === 0x31 /* '1' */) zeros++;
  // Big-endian base-256 digits of the value, grown as needed.
  const bytes: number[] = [];
  for (let i = zeros; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? (DIGIT_OF[code] as number) : -1;
    if (digit < 0) return null;
    let carry = digit;
    for (let j = bytes.length - 1; j >= 0; j--) {
      carry += (bytes[j] as number) * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.unshift(carry & 0xff);
      carry >>= 8;
    }
  }
  const out = new Uint8Array(zeros + bytes.length);
  out.set(bytes, zeros);
  return out;
}

/** Encodes bytes as base58btc (leading zero bytes become leading `1`s). */
export function encodeBase58btc(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i] as number;
    for (let j = digits.length - 1; j >= 0; j--) {
      carry += (digits[j] as number) << 8;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.unshift(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  return '1'.repeat(zeros) + digits.map((d) => ALPHABET[d]).join('');
}
