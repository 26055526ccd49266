import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';

describe('configuration of the scale-out (DATABASE_URL schema, REDIS_URL, rate limits, proxies)', () => {
  it('defaults: no Redis, prefix kparty:, 600 per client, no per-policy limit, no trusted proxy', () => {
    const config = loadConfig({});
    expect({
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      rateLimitPerMinute: config.rateLimitPerMinute,
      rateLimitPerPolicyPerMinute: config.rateLimitPerPolicyPerMinute,
      trustProxy: config.trustProxy,
    }).toStrictEqual({ redisUrl: undefined, redisPrefix: 'kparty:', rateLimitPerMinute: 600, rateLimitPerPolicyPerMinute: 0, trustProxy: [] });
  });

  it('takes ?schema= out of a postgres URL, keeping every other parameter', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://kparty:pw@db.internal:5432/kparty?sslmode=require&schema=kparty_prod' }).database).toStrictEqual({
      kind: 'postgres',
      url: 'postgres://kparty:pw@db.internal:5432/kparty?sslmode=require',
      schema: 'kparty_prod',
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/kparty' }).database).toStrictEqual({
      kind: 'postgres',
      url: 'postgresql://db/kparty',
      schema: undefined,
    });
  });

  it.each(['Kparty', 'kparty-prod', '1kparty', 'a;DROP', 'x'.repeat(64), ''])('refuses schema=%j naming DATABASE_URL', (schema) => {
    expect(() => loadConfig({ DATABASE_URL: `postgres://db/kparty?schema=${encodeURIComponent(schema)}` })).toThrow(/^DATABASE_URL schema must be/);
  });

  it('KPARTY_REDIS_PREFIX: accepts key-safe prefixes, refuses others naming the variable', () => {
    expect(loadConfig({ KPARTY_REDIS_PREFIX: 'kparty-eu:{a}.' }).redisPrefix).toBe('kparty-eu:{a}.');
    for (const bad of ['', 'has space', 'star*', 'x'.repeat(65)]) {
      expect(() => loadConfig({ KPARTY_REDIS_PREFIX: bad })).toThrow(/^KPARTY_REDIS_PREFIX /);
    }
  });

  it('KPARTY_RATE_LIMIT_PER_POLICY is a whole number, 0 = off', () => {
    expect(loadConfig({ KPARTY_RATE_LIMIT_PER_POLICY: '1200' }).rateLimitPerPolicyPerMinute).toBe(1200);
    expect(() => loadConfig({ KPARTY_RATE_LIMIT_PER_POLICY: '-1' })).toThrow(/^KPARTY_RATE_LIMIT_PER_POLICY /);
    expect(() => loadConfig({ KPARTY_RATE_LIMIT_PER_POLICY: 'lots' })).toThrow(/^KPARTY_RATE_LIMIT_PER_POLICY /);
  });

  it('KPARTY_TRUST_PROXY: IP addresses and CIDR ranges, v4 and v6', () => {
    expect(loadConfig({ KPARTY_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8' }).trustProxy).toStrictEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    for (const bad of ['true', '*', 'proxy.example.com', '10.0.0.0/33', '::1/129', '10.0.0.1/8/8', '10.0.0/8']) {
      expect(() => loadConfig({ KPARTY_TRUST_PROXY: bad })).toThrow(/^KPARTY_TRUST_PROXY entries must be IP addresses or CIDR ranges/);
    }
  });
});
