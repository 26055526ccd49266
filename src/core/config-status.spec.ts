import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';

const statusSettings = (env: Record<string, string>) => {
  const { statusCacheMinTtl, statusCacheMaxTtl, statusStaleGrace, statusMaxListBytes } = loadConfig(env);
  return { statusCacheMinTtl, statusCacheMaxTtl, statusStaleGrace, statusMaxListBytes };
};

describe('status-list configuration (KPARTY_STATUS_*)', () => {
  it('defaults to 60 s minimum, 3600 s maximum, 600 s stale grace, 16 MiB inflated', () => {
    expect(statusSettings({})).toEqual({ statusCacheMinTtl: 60, statusCacheMaxTtl: 3600, statusStaleGrace: 600, statusMaxListBytes: 16 * 1024 * 1024 });
  });

  it('reads each variable', () => {
    expect(
      statusSettings({
        KPARTY_STATUS_CACHE_MIN_TTL: '0',
        KPARTY_STATUS_CACHE_MAX_TTL: '120',
        KPARTY_STATUS_STALE_GRACE: '0',
        KPARTY_STATUS_MAX_LIST_BYTES: '16384',
      }),
    ).toEqual({ statusCacheMinTtl: 0, statusCacheMaxTtl: 120, statusStaleGrace: 0, statusMaxListBytes: 16384 });
  });

  it.each([
    ['KPARTY_STATUS_CACHE_MIN_TTL', '-1'],
    ['KPARTY_STATUS_CACHE_MIN_TTL', '86401'],
    ['KPARTY_STATUS_CACHE_MAX_TTL', '0'],
    ['KPARTY_STATUS_CACHE_MAX_TTL', '1h'],
    ['KPARTY_STATUS_STALE_GRACE', '1.5'],
    ['KPARTY_STATUS_STALE_GRACE', '604801'],
    ['KPARTY_STATUS_MAX_LIST_BYTES', '16383'],
    ['KPARTY_STATUS_MAX_LIST_BYTES', '268435457'],
    ['KPARTY_STATUS_MAX_LIST_BYTES', '16MiB'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses a minimum above the maximum', () => {
    const env = { KPARTY_STATUS_CACHE_MIN_TTL: '600', KPARTY_STATUS_CACHE_MAX_TTL: '300' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow('KPARTY_STATUS_CACHE_MIN_TTL');
  });
});
