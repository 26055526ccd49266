import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** Refresh tokens carry 256 bits of randomness (RFC 9700 §4.14: unguessable), base64url: 43 characters. */
export const REFRESH_TOKEN_BYTES = 32;
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh opaque refresh token. */
export function newRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

/** Whether `value` has the shape of a kparty refresh token (checked before any lookup). */
export function isRefreshTokenShaped(value: string): boolean {
  return REFRESH_TOKEN.test(value);
}

/** What the store keeps instead of the token: SHA-256, base64url. A 256-bit random token needs no slow hash. */
export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

/** AES-256-GCM key for a family's sealed claims, derived from the live refresh token (HKDF-SHA256, salt = family id). */
function claimsKey(token: string, familyId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'ascii'), Buffer.from(familyId, 'utf8'), 'kparty session claims v1', 32));
}

/**
 * Seals the claims a policy maps into access tokens under the refresh token
 * that will unseal them: a copy of the store (a backup, a dump) shows no
 * claim, since the token it would need is kept only as a hash.
 */
export function sealClaims(claims: Record<string, unknown>, token: string, familyId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', claimsKey(token, familyId), iv);
  cipher.setAAD(Buffer.from(familyId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(claims), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens claims sealed by {@link sealClaims}; null when the token or the family id is not the one they were sealed under. */
export function openClaims(sealed: string, token: string, familyId: string): Record<string, unknown> | null {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < 12 + 16) return null;
    const decipher = createDecipheriv('aes-256-gcm', claimsKey(token, familyId), bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(familyId, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const text = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    const claims: unknown = JSON.parse(text);
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A family id: 128 random bits. */
export function newFamilyId(): string {
  return randomBytes(16).toString('base64url');
}
