import type { Redis } from 'ioredis';
import type { Oid4vpRequestRecord } from '../../core/model/oid4vp-request.js';
import type { Oid4vpRequestStore } from '../../core/ports/oid4vp-request-store.js';
import { RedisExpiryIndex } from './expiry-index.js';
import { RedisScript } from './redis-script.js';

/** How long a record's key outlives its purgeAt in Redis (the TTL is only a backstop for purgeExpired). */
export const OID4VP_KEY_MARGIN_MS = 60_000;

/** Value layout: `<purgeAt>|<version>|<json>` (the expiry index reads the leading purge time). */
const encode = (record: Oid4vpRequestRecord): string => `${record.purgeAt}|${record.version}|${JSON.stringify(record)}`;

function decode(value: string): Oid4vpRequestRecord {
  const second = value.indexOf('|', value.indexOf('|') + 1);
  return JSON.parse(value.slice(second + 1)) as Oid4vpRequestRecord;
}

const CREATE = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
`);

/** Compare-and-set on the version inside the stored value; atomic in Redis. */
const REPLACE = new RedisScript(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local version = string.match(current, '^%d+|(%d+)|')
if version ~= ARGV[5] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
`);

/**
 * OpenID4VP requests in Redis (with REDIS_URL): key `<prefix>oid4vp:<id>`,
 * shared by every replica; `replace` is one Lua script, so one response wins.
 */
export class RedisOid4vpRequestStore implements Oid4vpRequestStore {
  private readonly index: RedisExpiryIndex;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Real time, for the Redis TTL only; the records' meaning follows the callers' `now`. */
    private readonly wallClock: () => number = Date.now,
  ) {
    this.index = new RedisExpiryIndex(redis, `${prefix}oid4vp:expiry`, `${prefix}oid4vp:`);
  }

  async create(record: Oid4vpRequestRecord): Promise<void> {
    const created = await CREATE.run(this.redis, [this.key(record.id), this.index.indexKey], [encode(record), this.ttl(record), record.purgeAt, record.id]);
    if (created !== 1) throw new Error(`OpenID4VP request ${record.id} already exists`);
  }

  async get(id: string): Promise<Oid4vpRequestRecord | null> {
    const value = await this.redis.get(this.key(id));
    return value === null ? null : decode(value);
  }

  async replace(next: Oid4vpRequestRecord, expectedVersion: number): Promise<boolean> {
    if (next.version !== expectedVersion + 1) return false;
    const replaced = await REPLACE.run(
      this.redis,
      [this.key(next.id), this.index.indexKey],
      [encode(next), this.ttl(next), next.purgeAt, next.id, String(expectedVersion)],
    );
    return replaced === 1;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.index.purge(now);
  }

  private ttl(record: Oid4vpRequestRecord): number {
    return Math.max(record.purgeAt - this.wallClock(), 0) + OID4VP_KEY_MARGIN_MS;
  }

  private key(id: string): string {
    return `${this.prefix}oid4vp:${id}`;
  }
}
