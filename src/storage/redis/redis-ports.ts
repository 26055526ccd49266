import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.js';
import { createRedisClient } from './client.js';
import { RedisNonceStore } from './redis-nonce-store.js';
import { RedisOid4vpRequestStore } from './redis-oid4vp-request-store.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisSessionDenylist } from './redis-session-denylist.js';
import { RedisSharedCache } from './redis-shared-cache.js';

/** Default `KPARTY_REDIS_PREFIX`: every key kparty writes starts with it. */
export const DEFAULT_REDIS_PREFIX = 'kparty:';

export interface RedisPortsOptions {
  /** `REDIS_URL`: `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  /** `KPARTY_REDIS_PREFIX`: lets several deployments (or test runs) share one Redis. */
  prefix?: string;
  logger?: Logger;
}

/** The ports kparty keeps in Redis, on one connection. */
export class RedisPorts {
  readonly challenges: RedisNonceStore;
  readonly sessionDenylist: RedisSessionDenylist;
  readonly sharedCache: RedisSharedCache;
  readonly rateLimiter: RedisRateLimiter;
  readonly oid4vpRequests: RedisOid4vpRequestStore;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string = DEFAULT_REDIS_PREFIX,
  ) {
    this.challenges = new RedisNonceStore(redis, prefix);
    this.sessionDenylist = new RedisSessionDenylist(redis, prefix);
    this.sharedCache = new RedisSharedCache(redis, prefix);
    this.rateLimiter = new RedisRateLimiter(redis, prefix);
    this.oid4vpRequests = new RedisOid4vpRequestStore(redis, prefix);
  }

  /** Resolves when Redis answers PING. */
  async ping(): Promise<void> {
    if (this.closing) throw new Error('Redis connection is closed');
    await this.redis.ping();
  }

  /** Sends QUIT (or drops the connection when Redis is away); may be called again. */
  async close(): Promise<void> {
    this.closing ??= this.redis.quit().then(
      () => undefined,
      () => this.redis.disconnect(),
    );
    await this.closing;
  }
}

/**
 * Connects to Redis in the background and returns the ports at once: Redis
 * holds nothing kparty needs to start, so a Redis that is down at start makes
 * kparty start not ready (/readyz 503, wallet endpoints 503) until it answers.
 */
export function openRedisPorts(options: RedisPortsOptions): RedisPorts {
  return new RedisPorts(createRedisClient(options.url, options.logger), options.prefix ?? DEFAULT_REDIS_PREFIX);
}
