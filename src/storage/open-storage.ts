import type { KpartyConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Storage } from '../core/ports/storage.js';
import { openPostgresStorage } from './postgres/index.js';
import { openRedisPorts } from './redis/index.js';
import { openSqliteStorage } from './sqlite/index.js';
import { withRedis } from './with-redis.js';
import { AesGcmSecretBox } from '../crypto/secret-box.js';
import { describeSealing, sealedSigningKeys } from './sealed-signing-keys.js';

/**
 * Opens the storage DATABASE_URL and REDIS_URL name:
 * - `sqlite:<path>`: everything in one SQLite file (one process, or several on one machine sharing the file);
 * - `postgres://…`: everything in PostgreSQL (replicas on several machines);
 * - plus REDIS_URL, with either: challenges, the session denylist, the shared
 *   cache and rate-limit counters in Redis, the rest in the database.
 *
 * PostgreSQL is connected and migrated here, so a database that cannot be
 * reached stops start-up with one line naming DATABASE_URL (kparty needs its
 * keys and policies to serve anything). Redis holds nothing needed to start:
 * kparty starts and reports not ready until Redis answers.
 */
export async function openStorage(config: KpartyConfig, logger?: Logger): Promise<Storage> {
  const { database } = config;
  const opened =
    database.kind === 'postgres'
      ? await openPostgresStorage({
          url: database.url,
          schema: database.schema,
          policyCacheMaxAgeMs: config.policyCacheMaxAge * 1000,
          ...(logger ? { logger } : {}),
        })
      : openSqliteStorage(database.path, { checkpointInWorker: true, ...(logger ? { logger } : {}) });
  const base = await withSealedSecrets(opened, config, logger);
  if (config.redisUrl === undefined) return base;
  return withRedis(base, openRedisPorts({ url: config.redisUrl, prefix: config.redisPrefix, ...(logger ? { logger } : {}) }));
}

/**
 * Private keys at rest go through the SecretBox port (docs/security.md, "Secrets at rest"): sealed with
 * KPARTY_SECRET_KEY when it is set, opened with it or a KPARTY_SECRET_KEY_PREVIOUS key. Says at start how the
 * stored keys are kept, so an operator sees keys still in clear or still needing a previous key.
 */
export async function withSealedSecrets(storage: Storage, config: Pick<KpartyConfig, 'secretKeys'>, logger?: Logger): Promise<Storage> {
  const box = config.secretKeys ? new AesGcmSecretBox(config.secretKeys.current, config.secretKeys.previous) : undefined;
  const sealed = sealedSigningKeys(storage.signingKeys, box);
  // Every stored private key must open now, so a missing or wrong KPARTY_SECRET_KEY stops start-up with its own
  // message rather than later as a storage outage.
  await sealed.list();
  if (box && logger) {
    const { clear, previous } = await describeSealing(storage.signingKeys, box);
    if (clear > 0)
      logger.warn(
        { keys: clear },
        'session signing keys stored in clear before KPARTY_SECRET_KEY was set: rotate the signing key (kparty keys rotate) so only sealed keys remain',
      );
    if (previous > 0) logger.info({ keys: previous }, 'session signing keys sealed with a KPARTY_SECRET_KEY_PREVIOUS key; keep it until they expire');
  }
  return new Proxy(storage, {
    get(target, property) {
      if (property === 'signingKeys') return sealed;
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the adapter itself: adapters may keep #private fields.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
