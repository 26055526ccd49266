import type { KpartyConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Storage } from '../core/ports/storage.js';
import { openPostgresStorage } from './postgres/index.js';
import { openRedisPorts } from './redis/index.js';
import { openSqliteStorage } from './sqlite/index.js';
import { withRedis } from './with-redis.js';

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
  const base =
    database.kind === 'postgres'
      ? await openPostgresStorage({
          url: database.url,
          schema: database.schema,
          policyCacheMaxAgeMs: config.policyCacheMaxAge * 1000,
          ...(logger ? { logger } : {}),
        })
      : openSqliteStorage(database.path, { checkpointInWorker: true, ...(logger ? { logger } : {}) });
  if (config.redisUrl === undefined) return base;
  return withRedis(base, openRedisPorts({ url: config.redisUrl, prefix: config.redisPrefix, ...(logger ? { logger } : {}) }));
}
