import { describe, expect, it } from '@jest/globals';
import { JWKS_MAX_AGE_SECONDS, loadConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('key rotation configuration (KPARTY_KEY_ROTATION_*)', () => {
  it('defaults to a 600 s lead time and a 30-day schedule', () => {
    const config = loadConfig({});
    expect({ lead: config.keyRotationLead, interval: config.keyRotationInterval }).toEqual({ lead: 600, interval: 30 * 86_400 });
  });

  it('reads both variables; an interval of 0 turns the schedule off', () => {
    const config = loadConfig({ KPARTY_KEY_ROTATION_LEAD: '61', KPARTY_KEY_ROTATION_INTERVAL: '0' });
    expect({ lead: config.keyRotationLead, interval: config.keyRotationInterval }).toEqual({ lead: 61, interval: 0 });
  });

  it('requires the lead time to exceed the JWKS cache max-age', () => {
    expect(JWKS_MAX_AGE_SECONDS).toBe(60);
    expect(() => loadConfig({ KPARTY_KEY_ROTATION_LEAD: '60' })).toThrow('KPARTY_KEY_ROTATION_LEAD must be between 61 and 86400, got 60');
  });

  it.each([
    ['KPARTY_KEY_ROTATION_LEAD', '86401'],
    ['KPARTY_KEY_ROTATION_LEAD', '10m'],
    ['KPARTY_KEY_ROTATION_INTERVAL', '-1'],
    ['KPARTY_KEY_ROTATION_INTERVAL', '31536001'],
    ['KPARTY_KEY_ROTATION_INTERVAL', '1.5'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses a schedule not longer than the lead time', () => {
    expect(() => loadConfig({ KPARTY_KEY_ROTATION_INTERVAL: '600' })).toThrow(
      'KPARTY_KEY_ROTATION_INTERVAL (600) must exceed KPARTY_KEY_ROTATION_LEAD (600), or be 0 (off)',
    );
    expect(loadConfig({ KPARTY_KEY_ROTATION_INTERVAL: '601' }).keyRotationInterval).toBe(601);
  });
});
