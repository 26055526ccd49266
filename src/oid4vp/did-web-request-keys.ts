import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../core/clock.js';
import type { SettingsStore } from '../core/ports/settings-store.js';
import type { SecretSeal } from './secret-seal.js';

/** Settings names of the generations of request-signing keys: `<prefix><n>`, n = 1, 2, … */
const SETTING_PREFIX = 'oid4vp.did_web_request_key.';

/** How many key generations the DID document publishes: the current one and the one before (requests in flight). */
const PUBLISHED_GENERATIONS = 2;

/** How long a process trusts its loaded keys before asking storage about rotations by other replicas. */
export const REQUEST_KEY_REFRESH_MS = 30_000;

/** Most generations probed at load; rotation beyond this is refused (a generation per rotation, rotations are rare). */
const MAX_GENERATIONS = 10_000;

interface StoredRequestKey {
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: number;
}

export interface RequestSigningKey {
  generation: number;
  alg: 'ES256';
  /** `did:web:…#<thumbprint>`: the request object's `kid`. */
  verificationMethodId: string;
  publicJwk: JWK;
  privateKey: CryptoKey;
}

/** did:web of a host (W3C did:web method §3.2): the port's colon percent-encoded. */
export function didWebForIssuer(issuer: string): string {
  const url = new URL(issuer);
  return `did:web:${encodeURIComponent(url.host)}`;
}

/**
 * kparty's own did:web request-signing keys for the `decentralized_identifier`
 * client id prefix: ES256, generated on first use, persisted in the settings
 * store (sealed by the SecretSeal) and rotatable. Each generation is stored
 * under its own name with set-if-absent, so two replicas rotating at once
 * create one generation, and every replica converges on the highest.
 */
export class DidWebRequestKeys {
  private loaded: RequestSigningKey[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly did: string,
    private readonly settings: SettingsStore,
    private readonly seal: SecretSeal,
    private readonly clock: Clock,
  ) {}

  /** The key that signs now (creating the first generation if there is none). */
  async current(): Promise<RequestSigningKey> {
    if (this.clock.now() - this.loadedAt >= REQUEST_KEY_REFRESH_MS || this.loaded.length === 0) await this.load();
    if (this.loaded.length === 0) {
      await this.create(1);
      await this.load();
    }
    return this.loaded[this.loaded.length - 1]!;
  }

  /** Starts a new generation; the previous one stays published for requests already handed out. */
  async rotate(): Promise<RequestSigningKey> {
    await this.load();
    const next = (this.loaded.at(-1)?.generation ?? 0) + 1;
    if (next > MAX_GENERATIONS) throw new Error('too many request-signing key generations');
    await this.create(next);
    await this.load();
    return this.loaded[this.loaded.length - 1]!;
  }

  /** The DID document served at /.well-known/did.json (W3C DID Core; JsonWebKey2020 verification methods). */
  async didDocument(): Promise<Record<string, unknown>> {
    await this.current();
    const methods = this.loaded.slice(-PUBLISHED_GENERATIONS).reverse();
    const ids = methods.map((m) => m.verificationMethodId);
    return {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: this.did,
      verificationMethod: methods.map((m) => ({ id: m.verificationMethodId, type: 'JsonWebKey2020', controller: this.did, publicKeyJwk: m.publicJwk })),
      authentication: ids,
      assertionMethod: ids,
    };
  }

  private async create(generation: number): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const stored: StoredRequestKey = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey), createdAt: this.clock.now() };
    await this.settings.setIfAbsent(`${SETTING_PREFIX}${generation}`, this.seal.seal(JSON.stringify(stored)));
  }

  /** Reads generations 1, 2, … until one is missing; keeps the published ones imported. */
  private async load(): Promise<void> {
    const raw: Array<{ generation: number; value: string }> = [];
    const known = this.loaded.at(0)?.generation ?? 1;
    for (let generation = Math.max(1, known); generation <= MAX_GENERATIONS; generation++) {
      const value = await this.settings.get(`${SETTING_PREFIX}${generation}`);
      if (value === null) break;
      raw.push({ generation, value });
    }
    const keys: RequestSigningKey[] = [];
    for (const { generation, value } of raw.slice(-PUBLISHED_GENERATIONS)) {
      const cached = this.loaded.find((k) => k.generation === generation);
      if (cached) {
        keys.push(cached);
        continue;
      }
      const stored = JSON.parse(this.seal.open(value)) as StoredRequestKey;
      const thumbprint = await calculateJwkThumbprint(stored.publicJwk, 'sha256');
      keys.push({
        generation,
        alg: 'ES256',
        verificationMethodId: `${this.did}#${thumbprint}`,
        publicJwk: { ...stored.publicJwk, kid: `${this.did}#${thumbprint}`, alg: 'ES256', use: 'sig' },
        privateKey: (await importJWK(stored.privateJwk, 'ES256')) as CryptoKey,
      });
    }
    this.loaded = keys;
    this.loadedAt = this.clock.now();
  }
}
