import type { Redis } from 'ioredis';
import type { ProofReplayCache } from '../../core/ports/proof-replay-cache.js';

/** Used proof identifiers in Redis (`<prefix>proof:<key>`), one `SET NX PX`: the first of any number of replicas wins. */
export class RedisProofReplayCache implements ProofReplayCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async firstUse(key: string, expiresAt: number, now: number): Promise<boolean> {
    const ttl = Math.max(Math.ceil(expiresAt - now), 1);
    return (await this.redis.set(`${this.prefix}proof:${key}`, String(expiresAt), 'PX', ttl, 'NX')) === 'OK';
  }
}
