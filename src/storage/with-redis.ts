import type { Storage } from '../core/ports/storage.js';
import type { RedisPorts } from './redis/redis-ports.js';

/**
 * A storage whose short-lived shared state lives in Redis — challenges, the
 * session denylist, OpenID4VP requests, the DID/status-list cache and rate-limit counters — and
 * everything else (relying parties, policies, signing keys, settings, audit)
 * in `base` (PostgreSQL, or SQLite for processes on one machine). Ready only
 * when both answer.
 */
export function withRedis(base: Storage, redis: RedisPorts): Storage {
  return {
    kind: `${base.kind}+redis`,
    relyingParties: base.relyingParties,
    policies: base.policies,
    signingKeys: base.signingKeys,
    settings: base.settings,
    auditLog: base.auditLog,
    challenges: redis.challenges,
    sessionDenylist: redis.sessionDenylist,
    oid4vpRequests: redis.oid4vpRequests,
    sharedCache: redis.sharedCache,
    rateLimiter: redis.rateLimiter,
    ping: async () => {
      await Promise.all([base.ping(), redis.ping()]);
    },
    close: async () => {
      await Promise.all([base.close(), redis.close()]);
    },
  };
}
