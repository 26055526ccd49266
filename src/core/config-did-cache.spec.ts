import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('DID cache configuration (KPARTY_DID_CACHE_*)', () => {
  it('defaults to 60 s minimum, 3600 s maximum, 10 s negative, 300 s stale grace', () => {
    expect(loadConfig({}).didCache).toEqual({ minTtl: 60, maxTtl: 3600, negativeTtl: 10, staleGrace: 300 });
  });

  it('reads each variable', () => {
    const config = loadConfig({
      KPARTY_DID_CACHE_MIN_TTL: '0',
      KPARTY_DID_CACHE_MAX_TTL: '600',
      KPARTY_DID_CACHE_NEGATIVE_TTL: '0',
      KPARTY_DID_CACHE_STALE_GRACE: '0',
    });
    expect(config.didCache).toEqual({ minTtl: 0, maxTtl: 600, negativeTtl: 0, staleGrace: 0 });
  });

  it.each([
    ['KPARTY_DID_CACHE_MIN_TTL', '-1'],
    ['KPARTY_DID_CACHE_MIN_TTL', '86401'],
    ['KPARTY_DID_CACHE_MAX_TTL', '0'],
    ['KPARTY_DID_CACHE_MAX_TTL', '1h'],
    ['KPARTY_DID_CACHE_NEGATIVE_TTL', '3601'],
    ['KPARTY_DID_CACHE_STALE_GRACE', '1.5'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses a minimum above the maximum', () => {
    expect(() => loadConfig({ KPARTY_DID_CACHE_MIN_TTL: '700', KPARTY_DID_CACHE_MAX_TTL: '600' })).toThrow('KPARTY_DID_CACHE_MIN_TTL');
  });
});
