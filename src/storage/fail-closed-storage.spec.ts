import { describe, expect, it } from '@jest/globals';
import { KpartyError } from '../core/errors.js';
import type { Storage } from '../core/ports/storage.js';
import { failClosedStorage, STORAGE_RETRY_AFTER_SECONDS } from './fail-closed-storage.js';
import { createMemoryStorage } from './memory/index.js';

const T0 = Date.UTC(2025, 0, 1);

/** A port whose state is a #private field: calls must reach the adapter itself, not the proxy. */
class PrivateFieldNonceStore {
  #calls = 0;
  async issue(): Promise<void> {
    this.#calls += 1;
  }
  async consume(): Promise<null> {
    this.#calls += 1;
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }
  async purgeExpired(): Promise<number> {
    return this.#calls;
  }
}

function storageWith(overrides: Partial<Storage>): Storage {
  return { ...createMemoryStorage(), ...overrides };
}

describe('failClosedStorage', () => {
  it('turns a rejected port call into 503 service.unavailable with Retry-After, keeping the cause', async () => {
    const cause = Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
    const storage = failClosedStorage(storageWith({ policies: { ...createMemoryStorage().policies, get: async () => Promise.reject(cause) } }));
    const failure = await storage.policies.get('p').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(KpartyError);
    expect(failure).toMatchObject({ code: 'service.unavailable', status: 503, retryAfter: STORAGE_RETRY_AFTER_SECONDS, cause, expose: false });
  });

  it('turns a synchronous throw into the same 503', async () => {
    const storage = failClosedStorage(
      storageWith({
        settings: {
          get: () => {
            throw new TypeError('The database connection is not open');
          },
          setIfAbsent: async (_name, value) => value,
          set: async () => {},
        },
      }),
    );
    expect(() => storage.settings.get('x')).toThrow(expect.objectContaining({ code: 'service.unavailable' }));
  });

  it('passes results and KpartyErrors through unchanged', async () => {
    const rateLimited = new KpartyError('rate_limited', 'slow down', { retryAfter: 3 });
    const memory = createMemoryStorage();
    const storage = failClosedStorage(storageWith({ auditLog: { ...memory.auditLog, purgeOlderThan: async () => Promise.reject(rateLimited) } }));
    await storage.settings.setIfAbsent('a', 'b');
    await expect(storage.settings.get('a')).resolves.toBe('b');
    await expect(storage.auditLog.purgeOlderThan(T0)).rejects.toBe(rateLimited);
  });

  it('calls adapters on themselves, so #private fields work', async () => {
    const storage = failClosedStorage(storageWith({ challenges: new PrivateFieldNonceStore() as unknown as Storage['challenges'] }));
    await storage.challenges.issue({ nonce: 'n', policyId: 'p', domain: 'd', createdAt: T0, expiresAt: T0 + 1 });
    await expect(storage.challenges.consume('n', T0)).rejects.toMatchObject({ code: 'service.unavailable' });
    await expect(storage.challenges.purgeExpired(T0)).resolves.toBe(2);
  });

  it('covers optional ports too, and ping; kind and close pass through', async () => {
    const down = new Error("Stream isn't writeable and enableOfflineQueue options is false");
    const memory = createMemoryStorage();
    let closed = 0;
    const storage = failClosedStorage(
      storageWith({
        kind: 'postgres+redis',
        rateLimiter: { hit: async () => Promise.reject(down) },
        ping: async () => Promise.reject(down),
        close: async () => {
          closed += 1;
          await memory.close();
        },
      }),
    );
    expect(storage.kind).toBe('postgres+redis');
    await expect(storage.rateLimiter!.hit('k', 1, 60_000, T0)).rejects.toMatchObject({ code: 'service.unavailable', cause: down });
    await expect(storage.ping()).rejects.toMatchObject({ code: 'service.unavailable', cause: down });
    await storage.close();
    expect(closed).toBe(1);
  });
});
