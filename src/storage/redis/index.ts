export { createRedisClient, redactedRedisUrl, REDIS_COMMAND_TIMEOUT_MS } from './client.js';
export { DEFAULT_REDIS_PREFIX, openRedisPorts, RedisPorts, type RedisPortsOptions } from './redis-ports.js';
export { RedisNonceStore, CHALLENGE_KEY_MARGIN_MS } from './redis-nonce-store.js';
export { RedisSessionDenylist, DENYLIST_KEY_MARGIN_MS } from './redis-session-denylist.js';
export { RedisSharedCache, REDIS_CACHE_MAX_VALUE_BYTES } from './redis-shared-cache.js';
export { RedisRateLimiter } from './redis-rate-limiter.js';
