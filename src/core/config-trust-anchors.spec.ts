import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('KPARTY_TRUST_ANCHORS', () => {
  it('is unset by default', () => {
    expect(loadConfig({}).trustAnchorsDir).toBeUndefined();
  });

  it('names a folder', () => {
    expect(loadConfig({ KPARTY_TRUST_ANCHORS: '/etc/kparty/anchors' }).trustAnchorsDir).toBe('/etc/kparty/anchors');
  });

  it('refuses a path with surrounding spaces, naming the variable', () => {
    expect(() => loadConfig({ KPARTY_TRUST_ANCHORS: ' /etc/kparty ' })).toThrow(ConfigError);
    expect(() => loadConfig({ KPARTY_TRUST_ANCHORS: ' /etc/kparty ' })).toThrow(/KPARTY_TRUST_ANCHORS/);
  });
});
