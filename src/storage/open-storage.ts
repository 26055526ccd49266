import { ConfigError } from '../core/errors.js';
import type { KpartyConfig } from '../core/config.js';
import type { Storage } from '../core/ports/storage.js';
import { openSqliteStorage } from './sqlite/index.js';

/** Opens the storage DATABASE_URL names. */
export function openStorage(config: KpartyConfig): Storage {
  if (config.redisUrl !== undefined) {
    // Refuse rather than silently keep per-process nonces: replicas would accept replays.
    throw new ConfigError('REDIS_URL is set, but this build has no Redis adapters yet; unset it to run on DATABASE_URL alone');
  }
  if (config.database.kind === 'postgres') {
    throw new ConfigError('DATABASE_URL names PostgreSQL, but this build has no PostgreSQL adapters yet; use sqlite:<path>');
  }
  return openSqliteStorage(config.database.path);
}
