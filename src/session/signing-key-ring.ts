import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../core/clock.js';
import type { SigningKey } from '../core/model/signing-key.js';
import type { SigningKeyStore } from '../core/ports/signing-key-store.js';

/** How often a ring reloads the keys from storage, to see rotations made by another process or replica. */
export const KEY_RING_REFRESH_MS = 30_000;

/** The least time between two reloads caused by a token naming an unknown `kid` (anyone can send one). */
export const UNKNOWN_KID_RELOAD_GAP_MS = 1_000;

export interface ActiveSigningKey {
  kid: string;
  alg: 'ES256';
  key: CryptoKey;
}

/** A public key as published in the JWKS (RFC 7517). */
export interface PublishedJwk extends JWK {
  kid: string;
  alg: string;
  use: 'sig';
}

interface ImportedKey {
  stored: SigningKey;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** Creates a new ES256 key pair that signs from `activatesAt` (default: now); `kid` is its RFC 7638 thumbprint. */
export async function generateSigningKey(clock: Clock, activatesAt: number = clock.now()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, alg: 'ES256', privateJwk, publicJwk, createdAt: clock.now(), activatesAt, retiredAt: null, expiresAt: null };
}

/** Whether `key` signs at `now`: activated, and not retired yet. */
export const signsAt = (key: SigningKey, now: number): boolean => key.activatesAt <= now && (key.retiredAt === null || key.retiredAt > now);

const publishedAt = (key: SigningKey, now: number): boolean => key.expiresAt === null || key.expiresAt > now;

/** Newest activation first; equal activations: the later created. */
const newestFirst = (a: SigningKey, b: SigningKey): number => b.activatesAt - a.activatesAt || b.createdAt - a.createdAt;

/**
 * The session-signing keys in memory, as stored through the SigningKeyStore:
 * generated on first start, imported once each (importing costs more than
 * signing), reloaded by {@link refresh} to see rotations other processes made.
 *
 * Which key signs and which are published is decided from the stored times
 * and the clock at each call, so every replica switches to a rotated key at
 * the moment it activates without being told; a reload is needed only to learn
 * of a rotation — every {@link KEY_RING_REFRESH_MS} (the composition root's
 * timer), when a token names a `kid` the ring does not know, and when no
 * loaded key signs any more (an immediate rotation elsewhere).
 */
export class SigningKeyRing {
  private keys: ImportedKey[] = [];
  private loading: Promise<void> | null = null;
  private scheduledReload: Promise<void> | null = null;
  private lastLoadAt = Number.NEGATIVE_INFINITY;

  private constructor(
    private readonly store: SigningKeyStore,
    private readonly clock: Clock,
  ) {}

  /** Loads the stored keys, creating the first one if there is none (race-safe across replicas). */
  static async open(store: SigningKeyStore, clock: Clock): Promise<SigningKeyRing> {
    const ring = new SigningKeyRing(store, clock);
    await ring.refresh();
    return ring;
  }

  /** Reloads the keys from storage (one load at a time; concurrent callers share it). */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /**
   * The key new session tokens are signed with: the newest key that signs now.
   * If no loaded key signs now (another process rotated at once and this ring
   * has not reloaded yet), the newest activated key still signs — it stays
   * published for the lifetime of its tokens — and a reload starts.
   */
  current(): ActiveSigningKey {
    const now = this.clock.now();
    const activated = this.keys.filter((k) => k.stored.activatesAt <= now).sort((a, b) => newestFirst(a.stored, b.stored));
    const signing = activated.find((k) => signsAt(k.stored, now));
    if (!signing) void this.refresh().catch(() => undefined);
    const chosen = signing ?? activated[0];
    if (!chosen) throw new Error('no session signing key has activated');
    return { kid: chosen.stored.kid, alg: chosen.stored.alg, key: chosen.privateKey };
  }

  /** Public keys to publish now: every key not past `expiresAt`, pending ones included. Never private members. */
  jwks(): { keys: PublishedJwk[] } {
    const now = this.clock.now();
    return {
      keys: this.keys
        .filter((k) => publishedAt(k.stored, now))
        .map(({ stored }) => {
          const { kty, crv, x, y } = stored.publicJwk;
          return { kty, crv, x, y, kid: stored.kid, alg: stored.alg, use: 'sig' as const };
        }),
    };
  }

  /**
   * The public key a session token names by `kid`, if it is published now. An
   * unknown `kid` reloads the keys first, since another replica may have just
   * rotated: at once, or — within {@link UNKNOWN_KID_RELOAD_GAP_MS} of the
   * last load — after waiting for the end of that gap, all such callers
   * sharing one reload (made-up kids cost at most one reload a second). A
   * failing reload leaves the kid unknown.
   */
  async verificationKey(kid: string): Promise<CryptoKey | null> {
    const known = this.published(kid);
    if (known || this.keys.some((k) => k.stored.kid === kid)) return known;
    await this.reloadSoon().catch(() => undefined);
    return this.published(kid);
  }

  private reloadSoon(): Promise<void> {
    const wait = this.lastLoadAt + UNKNOWN_KID_RELOAD_GAP_MS - this.clock.now();
    if (wait <= 0) return this.refresh();
    this.scheduledReload ??= new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(() => this.refresh())
      .finally(() => {
        this.scheduledReload = null;
      });
    return this.scheduledReload;
  }

  private published(kid: string): CryptoKey | null {
    const found = this.keys.find((k) => k.stored.kid === kid);
    return found && publishedAt(found.stored, this.clock.now()) ? found.publicKey : null;
  }

  private async load(): Promise<void> {
    this.lastLoadAt = this.clock.now();
    let stored = await this.store.list(this.clock.now());
    if (!stored.some((k) => k.retiredAt === null)) {
      stored = await this.store.insertIfNone(await generateSigningKey(this.clock));
      stored = stored.filter((k) => publishedAt(k, this.clock.now()));
    }
    const previous = new Map(this.keys.map((k) => [k.stored.kid, k]));
    const loaded = await Promise.all(
      stored.map(async (key): Promise<ImportedKey> => {
        const known = previous.get(key.kid);
        if (known) return { ...known, stored: key };
        const [privateKey, publicKey] = await Promise.all([
          importJWK(key.privateJwk, key.alg) as Promise<CryptoKey>,
          importJWK(key.publicJwk, key.alg) as Promise<CryptoKey>,
        ]);
        return { stored: key, privateKey, publicKey };
      }),
    );
    // A view without any activated key is refused; a running ring keeps the keys it had.
    if (!loaded.some((k) => k.stored.activatesAt <= this.clock.now())) {
      throw new Error('no usable session signing key in storage');
    }
    this.keys = loaded;
  }
}
