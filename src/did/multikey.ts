import type { PublicJwk } from '../crypto/public-jwk.js';
import { rawPublicKeyToJwk, type RawKeyType } from '../crypto/raw-public-key.js';
import { decodeBase58btc, encodeBase58btc } from './base58btc.js';

/**
 * Multikey public keys: multibase (`z` = base58btc) of a multicodec varint
 * header and the key bytes — the format of a did:key method-specific id
 * (https://w3c-ccg.github.io/did-method-key/#format) and of Multikey
 * `publicKeyMultibase` (https://www.w3.org/TR/cid-1.0/#Multikey).
 *
 * Codes from the multicodec table (https://github.com/multiformats/multicodec):
 */
export const KEY_CODECS = {
  'ed25519-pub': { code: 0xed, keyType: 'Ed25519', lengths: [32] },
  'x25519-pub': { code: 0xec, keyType: 'X25519', lengths: [32] },
  'p256-pub': { code: 0x1200, keyType: 'P-256', lengths: [33] },
  'p384-pub': { code: 0x1201, keyType: 'P-384', lengths: [49] },
  'p521-pub': { code: 0x1202, keyType: 'P-521', lengths: [67] },
  'secp256k1-pub': { code: 0xe7, keyType: 'secp256k1', lengths: [33] },
  /** DER RSAPublicKey (PKCS #1); its length varies with the modulus. */
  'rsa-pub': { code: 0x1205, keyType: 'RSA', lengths: null },
} as const satisfies Record<string, { code: number; keyType: RawKeyType; lengths: readonly number[] | null }>;

export type KeyCodecName = keyof typeof KEY_CODECS;

const CODEC_BY_CODE = new Map<number, KeyCodecName>(Object.entries(KEY_CODECS).map(([name, { code }]) => [code, name as KeyCodecName]));

export type DecodedMultikey = { ok: true; codec: KeyCodecName; keyType: RawKeyType; raw: Uint8Array; jwk: PublicJwk } | { ok: false; detail: string };

/**
 * Decodes a multibase-encoded multikey (`z…`). EC keys must be compressed,
 * as both specifications require. `detail` of a failure is short and safe.
 */
export function decodeMultibaseKey(multibase: string): DecodedMultikey {
  if (!multibase.startsWith('z')) return { ok: false, detail: 'the key is not base58btc multibase' };
  const bytes = decodeBase58btc(multibase.slice(1));
  if (!bytes) return { ok: false, detail: 'the key is not valid base58btc' };
  const header = readVarint(bytes);
  if (!header) return { ok: false, detail: 'the key has no valid multicodec header' };
  const codec = CODEC_BY_CODE.get(header.value);
  if (!codec) return { ok: false, detail: 'unsupported multicodec key type' };
  const { keyType, lengths } = KEY_CODECS[codec];
  const raw = bytes.subarray(header.length);
  if (lengths !== null && !(lengths as readonly number[]).includes(raw.length)) {
    return { ok: false, detail: `invalid ${codec} key length` };
  }
  const jwk = rawPublicKeyToJwk(keyType, raw);
  if (!jwk) return { ok: false, detail: `invalid ${codec} key` };
  return { ok: true, codec, keyType, raw, jwk };
}

/** Encodes raw key bytes as a `z…` multikey. */
export function encodeMultibaseKey(codec: KeyCodecName, raw: Uint8Array): string {
  const header = writeVarint(KEY_CODECS[codec].code);
  const bytes = new Uint8Array(header.length + raw.length);
  bytes.set(header);
  bytes.set(raw, header.length);
  return `z${encodeBase58btc(bytes)}`;
}

/**
 * Unsigned LEB128 varint as multiformats uses it
 * (https://github.com/multiformats/unsigned-varint): at most 9 bytes, and
 * minimally encoded — a non-minimal header would give one key two ids.
 * Key codes need at most 3 bytes, so longer headers are refused.
 */
function readVarint(bytes: Uint8Array): { value: number; length: number } | null {
  let value = 0;
  for (let i = 0; i < Math.min(bytes.length, 3); i++) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (i > 0 && byte === 0) return null;
      return { value, length: i + 1 };
    }
  }
  return null;
}

function writeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return Uint8Array.from(out);
}
