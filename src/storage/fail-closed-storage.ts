import { KpartyError } from '../core/errors.js';
import type { Storage } from '../core/ports/storage.js';

/** Seconds a client is told to wait after a storage failure. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

function unavailable(error: unknown, port: string, method: string): unknown {
  if (error instanceof KpartyError) return error;
  return new KpartyError('service.unavailable', `storage failed in ${port}.${method}`, { cause: error, retryAfter: STORAGE_RETRY_AFTER_SECONDS });
}

/** Wraps every method of `port` so that a rejection (or throw) becomes {@link unavailable}. */
function guardPort<T extends object>(port: T, name: string): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!wrapped.has(property)) {
        const method = String(property);
        wrapped.set(property, (...args: unknown[]): unknown => {
          try {
            // Called on the adapter itself, not the proxy: adapters may keep #private fields.
            const result: unknown = Reflect.apply(value, target, args);
            return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(unavailable(error, name, method))) : result;
          } catch (error) {
            throw unavailable(error, name, method);
          }
        });
      }
      return wrapped.get(property);
    },
  });
}

/**
 * The one place where storage failures become answers (fail closed): every
 * port of `storage` — and `ping` — rejects with KpartyError 503
 * `service.unavailable` (Retry-After 5 s, the adapter's error as `cause`,
 * logged by the problem filter and never shown) instead of the adapter's own
 * error: PostgreSQL refusing or dropping connections, a timeout, Redis away,
 * SQLITE_BUSY. So a wallet endpoint answers 503 while storage is down — never
 * a 500, and never an acceptance, since no check passes on an error.
 *
 * Ports present later (new members of Storage) are covered without change:
 * every object member is treated as a port. `kind` and `close` pass through.
 */
export function failClosedStorage(storage: Storage): Storage {
  const ports = new Map<PropertyKey, unknown>();
  return new Proxy(storage, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'close' && typeof value === 'function') return value.bind(target);
      if (property === 'ping' && typeof value === 'function') {
        return async () => {
          try {
            await Reflect.apply(value, target, []);
          } catch (error) {
            throw unavailable(error, 'storage', 'ping');
          }
        };
      }
      if (value === null || typeof value !== 'object') return value;
      if (!ports.has(property)) ports.set(property, guardPort(value, String(property)));
      return ports.get(property);
    },
  });
}
