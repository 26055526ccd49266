import type { Redis } from 'ioredis';
import {
  liveAccessTokens,
  type FamilyRotation,
  type RefreshTokenLookup,
  type SessionFamily,
  type SessionFamilyStore,
} from '../../core/ports/session-family-store.js';
import { RedisScript } from './redis-script.js';

/** How long family keys outlive the family's absolute expiry in Redis (a backstop; `purge` removes them first). */
export const FAMILY_KEY_MARGIN_MS = 60_000;

/**
 * Compare-and-swap of the live token: KEYS cur, end, fam, rtOld, rtNew, tokens, expiry;
 * ARGV expected, next, family JSON, rtOld value, family id, expiry score, ttl ms.
 */
const ROTATE = new RedisScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[5]) == 1 then return redis.error_reply('refresh token hash already exists') end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[7])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[7])
redis.call('SET', KEYS[4], ARGV[4], 'PX', ARGV[7])
redis.call('SET', KEYS[5], ARGV[5], 'PX', ARGV[7])
redis.call('SADD', KEYS[6], ARGV[2])
redis.call('ZADD', KEYS[7], ARGV[6], ARGV[5])
return 1
`);

/** KEYS end, fam, expiry; ARGV end JSON, family id, ttl ms. Returns the family JSON if this call ended it. */
const END = new RedisScript(`
local family = redis.call('GET', KEYS[2])
if not family or redis.call('EXISTS', KEYS[1]) == 1 then return false end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[2])
return family
`);

/** KEYS fam, cur, tokens, expiry, rtNew; ARGV family JSON, hash, id, score, ttl ms, subject set key. */
const CREATE = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.error_reply('session family already exists') end
if redis.call('EXISTS', KEYS[5]) == 1 then return redis.error_reply('refresh token hash already exists') end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[5])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[5])
redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[5])
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[3])
redis.call('SADD', ARGV[6], ARGV[3])
return 1
`);

/** The family document without what the small keys own (live hash, end), so the JSON never contradicts them. */
type StoredFamily = Omit<SessionFamily, 'endedAt' | 'endReason'>;

/**
 * Session families in Redis, under `<prefix>sf:`: the family document
 * (`fam:<id>`), its live token hash (`cur:<id>`), its end (`end:<id>`), one
 * key per token hash (`rt:<hash>` → `<id>` or `<id>|<rotatedAt>`), the set of
 * its hashes, a per-subject set of family ids, and an expiry index for the
 * purge. `rotate` is one Lua script comparing `cur:<id>` (Redis runs scripts
 * atomically), so of concurrent rotations through any number of replicas
 * exactly one wins. Keys carry a TTL past the absolute expiry as a backstop.
 */
export class RedisSessionFamilyStore implements SessionFamilyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Real time, for Redis TTLs only; the families' meaning follows the callers' `now`. */
    private readonly wallClock: () => number = Date.now,
  ) {}

  async create(family: SessionFamily): Promise<void> {
    const { endedAt: _e, endReason: _r, ...stored } = family;
    await CREATE.run(
      this.redis,
      [this.key('fam', family.id), this.key('cur', family.id), this.key('tokens', family.id), this.expiryKey, this.key('rt', family.currentTokenHash)],
      [JSON.stringify(stored), family.currentTokenHash, family.id, this.score(family), this.ttl(family), this.key('sub', family.subject)],
    );
    if (family.endedAt !== undefined) await this.end(family.id, family.endReason ?? 'ended', family.endedAt);
  }

  async findByTokenHash(hash: string): Promise<RefreshTokenLookup | null> {
    const entry = await this.redis.get(this.key('rt', hash));
    if (entry === null) return null;
    const [familyId = '', rotatedAt] = entry.split('|');
    const family = await this.read(familyId);
    if (!family) return null;
    return { family, ...(rotatedAt !== undefined ? { rotatedAt: Number(rotatedAt) } : {}) };
  }

  async rotate(familyId: string, rotation: FamilyRotation): Promise<boolean> {
    const family = await this.read(familyId);
    if (!family || family.endedAt !== undefined || family.currentTokenHash !== rotation.expectedHash) return false;
    const { endedAt: _e, endReason: _r, ...next } = family;
    const updated: StoredFamily = {
      ...next,
      currentTokenHash: rotation.nextHash,
      sealedClaims: rotation.sealedClaims,
      idleExpiresAt: rotation.idleExpiresAt,
      generation: family.generation + 1,
      accessTokens: liveAccessTokens(family.accessTokens, rotation.accessToken, rotation.now),
    };
    // The script re-checks cur:<id> = expected: a rotation between the read above and here makes it refuse.
    const result = await ROTATE.run(
      this.redis,
      [
        this.key('cur', familyId),
        this.key('end', familyId),
        this.key('fam', familyId),
        this.key('rt', rotation.expectedHash),
        this.key('rt', rotation.nextHash),
        this.key('tokens', familyId),
        this.expiryKey,
      ],
      [rotation.expectedHash, rotation.nextHash, JSON.stringify(updated), `${familyId}|${rotation.now}`, familyId, this.score(updated), this.ttl(updated)],
    );
    return result === 1;
  }

  async end(familyId: string, reason: string, now: number): Promise<SessionFamily | null> {
    const family = (await END.run(
      this.redis,
      [this.key('end', familyId), this.key('fam', familyId), this.expiryKey],
      [JSON.stringify({ endedAt: now, endReason: reason }), familyId, 7 * 86_400_000],
    )) as string | null;
    return family ? (JSON.parse(family) as SessionFamily) : null;
  }

  async listActiveBySubject(subject: string, clientId: string | undefined, _now: number): Promise<SessionFamily[]> {
    const ids = (await this.redis.smembers(this.key('sub', subject))).slice(0, 1000);
    const families = await Promise.all(ids.map((id) => this.read(id)));
    return families.filter((f): f is SessionFamily => f !== null && f.endedAt === undefined && (clientId === undefined || f.clientId === clientId));
  }

  async purge(now: number): Promise<number> {
    const ids = await this.redis.zrangebyscore(this.expiryKey, '-inf', now, 'LIMIT', 0, 1000);
    let purged = 0;
    for (const id of ids) {
      const family = await this.read(id);
      if (family && family.endedAt === undefined && family.idleExpiresAt > now && family.absoluteExpiresAt > now) continue;
      const hashes = await this.redis.smembers(this.key('tokens', id));
      const pipeline = this.redis.multi();
      for (const hash of hashes) pipeline.del(this.key('rt', hash));
      pipeline.del(this.key('fam', id), this.key('cur', id), this.key('end', id), this.key('tokens', id));
      if (family) pipeline.srem(this.key('sub', family.subject), id);
      pipeline.zrem(this.expiryKey, id);
      await pipeline.exec();
      if (family) purged += 1;
    }
    return purged;
  }

  private async read(familyId: string): Promise<SessionFamily | null> {
    const [document, ended] = await this.redis.mget(this.key('fam', familyId), this.key('end', familyId));
    if (!document) return null;
    const family = JSON.parse(document) as SessionFamily;
    return ended ? { ...family, ...(JSON.parse(ended) as Pick<SessionFamily, 'endedAt' | 'endReason'>) } : family;
  }

  private get expiryKey(): string {
    return `${this.prefix}sf:expiry`;
  }

  private key(kind: 'fam' | 'cur' | 'end' | 'rt' | 'tokens' | 'sub', id: string): string {
    return `${this.prefix}sf:${kind}:${id}`;
  }

  /** When the family can be purged, by the callers' clock. */
  private score(family: Pick<SessionFamily, 'idleExpiresAt' | 'absoluteExpiresAt'>): number {
    return Math.min(family.idleExpiresAt, family.absoluteExpiresAt);
  }

  private ttl(family: Pick<SessionFamily, 'absoluteExpiresAt'>): number {
    return Math.max(family.absoluteExpiresAt - this.wallClock(), 0) + FAMILY_KEY_MARGIN_MS;
  }
}
