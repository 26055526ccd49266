import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from '../formats/data-integrity/document-caps.js';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('Data Integrity configuration (KPARTY_JSONLD_*, KPARTY_RDFC_MAX_WORK_FACTOR, KPARTY_DI_MAX_PROOFS)', () => {
  it('defaults to the documented caps and no operator contexts', () => {
    const config = loadConfig({});
    expect(config.dataIntegrity).toEqual({ ...DEFAULT_DATA_INTEGRITY_LIMITS });
    expect(config.jsonldContextsDir).toBeUndefined();
  });

  it('reads each variable', () => {
    const config = loadConfig({
      KPARTY_JSONLD_CONTEXTS: '/etc/kparty/contexts',
      KPARTY_JSONLD_MAX_DEPTH: '16',
      KPARTY_JSONLD_MAX_NODES: '500',
      KPARTY_JSONLD_MAX_QUADS: '400',
      KPARTY_JSONLD_MAX_BLANK_NODES: '10',
      KPARTY_RDFC_MAX_WORK_FACTOR: '0',
      KPARTY_DI_MAX_PROOFS: '1',
    });
    expect(config.jsonldContextsDir).toBe('/etc/kparty/contexts');
    expect(config.dataIntegrity).toEqual({ maxDepth: 16, maxNodes: 500, maxQuads: 400, maxBlankNodes: 10, maxWorkFactor: 0, maxProofs: 1 });
  });

  it.each([
    ['KPARTY_JSONLD_MAX_DEPTH', '3'],
    ['KPARTY_JSONLD_MAX_NODES', '1e6'],
    ['KPARTY_JSONLD_MAX_QUADS', '100001'],
    ['KPARTY_JSONLD_MAX_BLANK_NODES', '-1'],
    ['KPARTY_RDFC_MAX_WORK_FACTOR', '4'],
    ['KPARTY_DI_MAX_PROOFS', '0'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });
});
