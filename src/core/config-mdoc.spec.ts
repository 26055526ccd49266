import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CBOR_LIMITS } from '../formats/mdoc/cbor-scan.js';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('mdoc CBOR limits (KPARTY_MDOC_*)', () => {
  it('defaults to the limits the mdoc format uses without configuration', () => {
    expect(loadConfig({}).mdocLimits).toEqual(DEFAULT_CBOR_LIMITS);
  });

  it('reads each variable', () => {
    expect(loadConfig({ KPARTY_MDOC_MAX_BYTES: '65536', KPARTY_MDOC_MAX_DEPTH: '16', KPARTY_MDOC_MAX_ITEMS: '5000' }).mdocLimits).toEqual({
      maxBytes: 65536,
      maxDepth: 16,
      maxItems: 5000,
    });
  });

  it.each([
    ['KPARTY_MDOC_MAX_BYTES', '4095'],
    ['KPARTY_MDOC_MAX_BYTES', '16777217'],
    ['KPARTY_MDOC_MAX_DEPTH', '7'],
    ['KPARTY_MDOC_MAX_DEPTH', '65'],
    ['KPARTY_MDOC_MAX_ITEMS', '99'],
    ['KPARTY_MDOC_MAX_ITEMS', '20k'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
