import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { isSealedSecret, SecretBoxError, type SealedSecret, type SecretBox } from '../core/ports/secret-box.js';

/** The id of a wrapping key: the first 12 bytes of SHA-256 over a label and the key, base64url (names it without revealing it). */
export function wrappingKeyId(key: Uint8Array): string {
  return createHash('sha256').update('kparty secret box key id\0').update(key).digest().subarray(0, 12).toString('base64url');
}

/**
 * {@link SecretBox} with AES-256-GCM (NIST SP 800-38D): a random 96-bit nonce
 * per secret, the 128-bit tag, and `context` as additional authenticated data.
 * `KPARTY_SECRET_KEY` seals; it and every `KPARTY_SECRET_KEY_PREVIOUS` key open
 * (chosen by the sealed value's key id), so the wrapping key can be rotated
 * without downtime (docs/security.md, "Secrets at rest").
 */
export class AesGcmSecretBox implements SecretBox {
  readonly currentKeyId: string;
  readonly #current: Uint8Array;
  readonly #keys = new Map<string, Uint8Array>();

  constructor(current: Uint8Array, previous: readonly Uint8Array[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== 32) throw new RangeError('an AES-256-GCM wrapping key is 32 bytes');
      this.#keys.set(wrappingKeyId(key), Uint8Array.from(key));
    }
    this.#current = Uint8Array.from(current);
    this.currentKeyId = wrappingKeyId(current);
  }

  /** Key ids this box can open, the current one first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  seal(plaintext: Uint8Array, context: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#current, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      sealed: 'kparty-secret-box-v1',
      kid: this.currentKeyId,
      iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
      ct: ct.toString('base64url'),
    };
  }

  open(sealed: SealedSecret, context: string): Uint8Array {
    const key = this.#keys.get(sealed.kid);
    if (!key) {
      throw new SecretBoxError(`a secret is sealed with wrapping key ${sealed.kid}, which is neither KPARTY_SECRET_KEY nor in KPARTY_SECRET_KEY_PREVIOUS`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
      return Uint8Array.from(Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64url')), decipher.final()]));
    } catch (cause) {
      throw new SecretBoxError(`a secret sealed with wrapping key ${sealed.kid} does not open: altered, or not stored where it was sealed`, { cause });
    }
  }
}

/** The SecretBox KPARTY_SECRET_KEY / KPARTY_SECRET_KEY_PREVIOUS configure, or undefined (secrets stored in clear). */
export function secretBoxFromConfig(secretKeys: { current: Uint8Array; previous: Uint8Array[] } | undefined): AesGcmSecretBox | undefined {
  return secretKeys ? new AesGcmSecretBox(secretKeys.current, secretKeys.previous) : undefined;
}

/**
 * A text seal over a {@link SecretBox}, for stores that keep a secret as one
 * string (the OpenID4VP per-request ECDH keys and request-signing keys,
 * src/oid4vp/secret-seal.ts): `seal` answers the sealed JSON; `open` opens it,
 * and passes through a value stored in clear before the key was configured.
 * Without a box, values pass through in clear, and a sealed value refuses to
 * open (one message naming KPARTY_SECRET_KEY).
 */
export function textSeal(box: SecretBox | undefined, context: string): { seal(plaintext: string): string; open(stored: string): string } {
  return {
    seal: (plaintext) => (box ? JSON.stringify(box.seal(Buffer.from(plaintext, 'utf8'), context)) : plaintext),
    open: (stored) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(stored);
      } catch {
        return stored;
      }
      if (!isSealedSecret(parsed)) return stored;
      if (!box) throw new SecretBoxError('a secret is stored encrypted; set KPARTY_SECRET_KEY (and KPARTY_SECRET_KEY_PREVIOUS) to the key(s) that sealed it');
      return Buffer.from(box.open(parsed, context)).toString('utf8');
    },
  };
}
