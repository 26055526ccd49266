import type { Redis } from 'ioredis';
import type { RateDecision, RateLimiter } from '../../core/ports/rate-limiter.js';
import { fixedWindow, rateDecision } from '../fixed-window.js';
import { RedisScript } from './redis-script.js';

/** INCR, and on the window's first hit set the key's expiry: one round trip, atomic. */
const HIT = new RedisScript(`
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
`);

/** How long a window's counter outlives the window in Redis (clock differences between replicas). */
const COUNTER_MARGIN_MS = 5000;

/**
 * Fixed-window counters in Redis, shared by every replica: key
 * `<prefix>rate:<key>:<window number>`, where the window number comes from
 * the caller's clock (replicas with synchronised clocks count into the same
 * window). The counter expires shortly after its window ends.
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    const window = fixedWindow(windowMs, now);
    const ttl = window.endsAt - now + COUNTER_MARGIN_MS;
    const count = Number(await HIT.run(this.redis, [`${this.prefix}rate:${key}:${window.number}`], [ttl]));
    return rateDecision(count, limit, window.endsAt, now);
  }
}
