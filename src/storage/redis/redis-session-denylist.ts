import type { Redis } from 'ioredis';
import type { SessionDenylist } from '../../core/ports/session-denylist.js';
import { RedisExpiryIndex } from './expiry-index.js';
import { RedisScript } from './redis-script.js';

/**
 * How long a denylist key outlives its `expiresAt` (by kparty's clock) in
 * Redis: entries are decided by the callers' clocks (`isRevoked(jti, now)`)
 * and removed by `purgeExpired`; Redis' TTL is the backstop.
 */
export const DENYLIST_KEY_MARGIN_MS = 60_000;

/** Keep the later expiry (revoking again never shortens an entry), then index it. */
const REVOKE = new RedisScript(`
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[3])
return 1
`);

/**
 * Revoked session tokens in Redis: key `<prefix>revoked:<jti>`, value the
 * entry's `expiresAt`. A revocation written through one replica is read by
 * the next `isRevoked` of every other: one server, no caching.
 */
export class RedisSessionDenylist implements SessionDenylist {
  private readonly index: RedisExpiryIndex;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Real time, for the Redis TTL only; the entries' meaning follows the callers' `now`. */
    private readonly wallClock: () => number = Date.now,
  ) {
    this.index = new RedisExpiryIndex(redis, `${prefix}revoked:expiry`, `${prefix}revoked:`);
  }

  async revoke(jti: string, expiresAt: number): Promise<void> {
    const ttl = Math.max(expiresAt - this.wallClock(), 0) + DENYLIST_KEY_MARGIN_MS;
    await REVOKE.run(this.redis, [this.key(jti), this.index.indexKey], [expiresAt, ttl, jti]);
  }

  async isRevoked(jti: string, now: number): Promise<boolean> {
    const value = await this.redis.get(this.key(jti));
    return value !== null && Number(value) > now;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.index.purge(now);
  }

  private key(jti: string): string {
    return `${this.prefix}revoked:${jti}`;
  }
}
