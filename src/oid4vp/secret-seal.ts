/**
 * THE SEAM for encrypting OpenID4VP secrets at rest: the per-request ECDH-ES
 * private keys (direct_post.jwt) and kparty's did:web request-signing keys
 * pass through a SecretSeal before they are stored and after they are read.
 *
 * Today the composition root passes {@link UNSEALED}: the secrets are stored as
 * plain JSON (protected like the session signing keys: by the database's own
 * access control, and deleted with their request). When the SecretBox of the
 * hardening issue (KPARTY_SECRET_KEY, AES-256-GCM) lands, wire it here — the
 * stores need no change.
 */
export interface SecretSeal {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/** No encryption at rest (until KPARTY_SECRET_KEY's SecretBox is wired in; see above). */
export const UNSEALED: SecretSeal = {
  seal: (plaintext) => plaintext,
  open: (sealed) => sealed,
};
