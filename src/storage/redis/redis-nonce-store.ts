import type { Redis } from 'ioredis';
import type { Challenge } from '../../core/model/challenge.js';
import type { NonceStore } from '../../core/ports/nonce-store.js';
import { RedisExpiryIndex } from './expiry-index.js';
import { RedisScript } from './redis-script.js';

/**
 * How long a challenge key outlives its `expiresAt` in Redis. Expiry is
 * decided by the callers' clocks (`consume(nonce, now)`) and expired
 * challenges are removed by `purgeExpired` (the maintenance timer); Redis'
 * own TTL is the backstop when no replica purges.
 */
export const CHALLENGE_KEY_MARGIN_MS = 60_000;

/** SET NX with a TTL, and index the expiry — only when the nonce is new. */
const ISSUE = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
  return 1
end
return 0
`);

/** GETDEL (Redis >= 6.2) and drop the index entry: one atomic step. */
const CONSUME = new RedisScript(`
local value = redis.call('GETDEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return value
`);

/**
 * Challenges in Redis: key `<prefix>challenge:<nonce>`, value
 * `<expiresAt>:<challenge JSON>`. Every replica sharing the Redis server and
 * prefix shares them. `consume` is GETDEL inside a script, so of any number of
 * concurrent consumes of one nonce on any replicas exactly one gets the value.
 */
export class RedisNonceStore implements NonceStore {
  private readonly index: RedisExpiryIndex;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.index = new RedisExpiryIndex(redis, `${prefix}challenges:expiry`, `${prefix}challenge:`);
  }

  async issue(challenge: Challenge): Promise<void> {
    // The challenge's own lifetime, measured from now on Redis' clock, plus the margin: independent of
    // how far the kparty clocks and Redis' clock disagree.
    const ttl = Math.max(challenge.expiresAt - challenge.createdAt, 0) + CHALLENGE_KEY_MARGIN_MS;
    const value = `${challenge.expiresAt}:${JSON.stringify(challenge)}`;
    const stored = await ISSUE.run(this.redis, [this.key(challenge.nonce), this.index.indexKey], [value, ttl, challenge.expiresAt, challenge.nonce]);
    if (stored !== 1) throw new Error('duplicate challenge nonce');
  }

  async consume(nonce: string, now: number): Promise<Challenge | null> {
    const value = (await CONSUME.run(this.redis, [this.key(nonce), this.index.indexKey], [nonce])) as string | null;
    if (value === null) return null;
    const challenge = JSON.parse(value.slice(value.indexOf(':') + 1)) as Challenge;
    // Deleted even when expired: a challenge is used up by the first presentation naming it.
    return challenge.expiresAt > now ? challenge : null;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.index.purge(now);
  }

  private key(nonce: string): string {
    return `${this.prefix}challenge:${nonce}`;
  }
}
