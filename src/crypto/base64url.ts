/** Base64url without padding (RFC 4648 §5), as JOSE uses it (RFC 7515 §2). */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes unpadded base64url; `null` for any other character, padding, or an
 * impossible length. With `canonical`, also `null` when the last character
 * carries non-zero unused bits — used where the encoding is an identifier
 * (did:jwk), so one key cannot have two spellings.
 */
export function decodeBase64url(text: string, options: { canonical?: boolean } = {}): Uint8Array | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  if (options.canonical && bytes.toString('base64url') !== text) return null;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
