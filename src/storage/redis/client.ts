import { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.js';

/** How long one command may wait for its answer before it fails (a stalled server must not stall requests). */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;

/** The URL with its password hidden, for messages. */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://…';
  }
}

/**
 * A Redis connection that fails fast and heals itself:
 * - no offline queue and no retry of a command whose connection broke, so
 *   while Redis is away every command fails at once (the wallet gets a 503)
 *   instead of waiting for a reconnect;
 * - reconnects forever in the background, at most a second apart, so service
 *   resumes without a restart when Redis is back;
 * - commands of one event-loop turn are pipelined together (auto-pipelining);
 * - connection errors are logged once per outage (the client emits one per
 *   reconnect attempt), never thrown as unhandled 'error' events.
 */
export function createRedisClient(url: string, logger?: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    // Re-sent after a reconnect only if nothing failed: a failed command has already been answered with an error.
    autoResendUnfulfilledCommands: false,
    // Commands issued in one event-loop turn (the rate-limit counter, the challenge consume and the
    // denylist look-ups of concurrent requests) leave in one write: fewer syscalls per request under load.
    enableAutoPipelining: true,
  });
  let healthy = true;
  redis.on('error', (error: unknown) => {
    if (!healthy) return;
    healthy = false;
    logger?.warn({ err: error, redis: redactedRedisUrl(url) }, 'Redis is unreachable; wallet endpoints answer 503 until it is back');
  });
  redis.on('ready', () => {
    if (healthy) return;
    healthy = true;
    logger?.info({ redis: redactedRedisUrl(url) }, 'Redis is reachable again');
  });
  return redis;
}
