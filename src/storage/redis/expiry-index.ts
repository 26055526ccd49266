import type { Redis } from 'ioredis';
import { RedisScript } from './redis-script.js';

/** How many entries one purge script removes at most, so no single script holds Redis up for long. */
const PURGE_BATCH = 500;

/**
 * Deletes, in batches, the members of a sorted set whose score (an expiry in
 * ms) is at most `now`, together with the key `<prefix><member>` of each whose
 * stored value (also an expiry in ms) is at most `now`; returns how many keys
 * it deleted. A member whose key is already gone (consumed, or removed by
 * Redis' own expiry) is dropped from the set without being counted.
 */
const PURGE = new RedisScript(`
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local deleted = 0
for _, member in ipairs(members) do
  local key = ARGV[2] .. member
  local value = redis.call('GET', key)
  if value then
    local expiry = tonumber(string.match(value, '^(%d+)'))
    if expiry and expiry <= tonumber(ARGV[1]) then
      deleted = deleted + redis.call('DEL', key)
    end
  end
  redis.call('ZREM', KEYS[1], member)
end
return { #members, deleted }
`);

/**
 * An expiry index: a sorted set of member → expiry (ms since the epoch, the
 * callers' clock) beside keys `<keyPrefix><member>` whose values start with
 * that expiry. It lets `purgeExpired(now)` remove exactly what has expired by
 * the caller's clock, while each key also carries a Redis TTL as a backstop.
 */
export class RedisExpiryIndex {
  constructor(
    private readonly redis: Redis,
    /** The sorted set. */
    readonly indexKey: string,
    /** Prefix of the indexed keys. */
    readonly keyPrefix: string,
  ) {}

  async purge(now: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [seen, deleted] = (await PURGE.run(this.redis, [this.indexKey], [now, this.keyPrefix, PURGE_BATCH])) as [number, number];
      total += deleted;
      if (seen < PURGE_BATCH) return total;
    }
  }
}
