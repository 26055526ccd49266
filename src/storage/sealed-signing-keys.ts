import type { JWK } from 'jose';
import type { SigningKey } from '../core/model/signing-key.js';
import { isSealedSecret, SecretBoxError, type SecretBox } from '../core/ports/secret-box.js';
import type { SigningKeyRotation, SigningKeyRotationResult, SigningKeyStore } from '../core/ports/signing-key-store.js';

const context = (kid: string): string => `signing-key:${kid}`;

/** The private JWK as storage keeps it: sealed when a box is configured. */
function sealKey(key: SigningKey, box: SecretBox): SigningKey {
  const sealed = box.seal(Buffer.from(JSON.stringify(key.privateJwk), 'utf8'), context(key.kid));
  return { ...key, privateJwk: sealed as unknown as JWK };
}

function openKey(key: SigningKey, box: SecretBox | undefined): SigningKey {
  const stored: unknown = key.privateJwk;
  if (!isSealedSecret(stored)) return key;
  if (!box) {
    throw new SecretBoxError(
      `session signing key ${key.kid} is stored encrypted; set KPARTY_SECRET_KEY (and KPARTY_SECRET_KEY_PREVIOUS) to the key(s) that sealed it`,
    );
  }
  return { ...key, privateJwk: JSON.parse(Buffer.from(box.open(stored, context(key.kid))).toString('utf8')) as JWK };
}

/**
 * The SigningKeyStore with private keys sealed at rest (AES-256-GCM through
 * the {@link SecretBox} port): written sealed under KPARTY_SECRET_KEY, read
 * with it or a KPARTY_SECRET_KEY_PREVIOUS key. Keys stored in clear before a
 * secret key was configured are still read (and reported at start, see
 * {@link describeSealing}); they are replaced by sealed ones at the next
 * signing-key rotation. Without a box, sealed keys refuse to load with one
 * line naming KPARTY_SECRET_KEY.
 */
export function sealedSigningKeys(store: SigningKeyStore, box: SecretBox | undefined): SigningKeyStore {
  const open = (keys: SigningKey[]): SigningKey[] => keys.map((key) => openKey(key, box));
  if (!box) {
    return {
      list: async (now) => open(await store.list(now)),
      insertIfNone: async (key) => open(await store.insertIfNone(key)),
      rotate: async (rotation) => {
        const result = await store.rotate(rotation);
        return { ...result, keys: open(result.keys) };
      },
      deleteExpired: (now) => store.deleteExpired(now),
    };
  }
  return {
    list: async (now) => open(await store.list(now)),
    insertIfNone: async (key) => open(await store.insertIfNone(sealKey(key, box))),
    rotate: async (rotation: SigningKeyRotation): Promise<SigningKeyRotationResult> => {
      const result = await store.rotate({ ...rotation, next: sealKey(rotation.next, box) });
      return { ...result, keys: open(result.keys) };
    },
    deleteExpired: (now) => store.deleteExpired(now),
  };
}

/** How the stored private keys are kept, for the start-up log: sealed with the current key, a previous key, or in clear. */
export async function describeSealing(store: SigningKeyStore, box: SecretBox | undefined): Promise<{ clear: number; current: number; previous: number }> {
  const counts = { clear: 0, current: 0, previous: 0 };
  for (const key of await store.list()) {
    const stored: unknown = key.privateJwk;
    if (!isSealedSecret(stored)) counts.clear += 1;
    else if (stored.kid === box?.currentKeyId) counts.current += 1;
    else counts.previous += 1;
  }
  return counts;
}
