/**
 * Secrets at rest (docs/security.md, "Secrets at rest"): a port that seals a
 * secret before storage writes it and opens it after storage reads it. Every
 * private key kparty stores goes through it — the session-signing keys today;
 * the OpenID4VP request-signing key and per-request ECDH keys as they land.
 *
 * `context` names what the secret is and whose (`signing-key:<kid>`): it is
 * authenticated with the ciphertext, so a sealed value copied onto another
 * row does not open there.
 */
export interface SealedSecret {
  /** Format marker, so a stored value says how to read it. */
  sealed: 'kparty-secret-box-v1';
  /** Id of the wrapping key that sealed it (not the key itself). */
  kid: string;
  /** AES-256-GCM nonce, tag and ciphertext, base64url. */
  iv: string;
  tag: string;
  ct: string;
}

export interface SecretBox {
  /** Id of the key new secrets are sealed with. */
  readonly currentKeyId: string;
  seal(plaintext: Uint8Array, context: string): SealedSecret;
  /** @throws SecretBoxError when no configured key has the sealed `kid`, or the value was altered or moved. */
  open(sealed: SealedSecret, context: string): Uint8Array;
}

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

export function isSealedSecret(value: unknown): value is SealedSecret {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.sealed === 'kparty-secret-box-v1' && typeof v.kid === 'string' && typeof v.iv === 'string' && typeof v.tag === 'string' && typeof v.ct === 'string';
}
