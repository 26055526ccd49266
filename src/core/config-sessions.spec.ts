import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';

describe('refresh and DPoP configuration', () => {
  it('defaults: reuse grace 10 s, refresh max 30 days, proof window 60 s, nonces off', () => {
    const config = loadConfig({});
    expect([config.refreshReuseGrace, config.refreshMaxTtl, config.dpopProofWindow, config.dpopNonce, config.dpopMaxProofBytes]).toEqual([
      10,
      2_592_000,
      60,
      false,
      8192,
    ]);
  });

  it('reads the variables and refuses values out of range, naming the variable', () => {
    const config = loadConfig({ KPARTY_REFRESH_REUSE_GRACE: '0', KPARTY_REFRESH_MAX_TTL: '86400', KPARTY_DPOP_PROOF_WINDOW: '30', KPARTY_DPOP_NONCE: 'true' });
    expect([config.refreshReuseGrace, config.refreshMaxTtl, config.dpopProofWindow, config.dpopNonce]).toEqual([0, 86_400, 30, true]);
    expect(() => loadConfig({ KPARTY_REFRESH_REUSE_GRACE: '301' })).toThrow(/^KPARTY_REFRESH_REUSE_GRACE must be between 0 and 300/);
    expect(() => loadConfig({ KPARTY_REFRESH_REUSE_GRACE: '-1' })).toThrow(/^KPARTY_REFRESH_REUSE_GRACE must be a whole number/);
    expect(() => loadConfig({ KPARTY_REFRESH_MAX_TTL: '59' })).toThrow(/^KPARTY_REFRESH_MAX_TTL must be between 60/);
    expect(() => loadConfig({ KPARTY_DPOP_PROOF_WINDOW: '4' })).toThrow(/^KPARTY_DPOP_PROOF_WINDOW must be between 5 and 600/);
    expect(() => loadConfig({ KPARTY_DPOP_NONCE: 'yes' })).toThrow(/^KPARTY_DPOP_NONCE must be true or false/);
    expect(loadConfig({ KPARTY_DPOP_MAX_PROOF_BYTES: '1024' }).dpopMaxProofBytes).toBe(1024);
    expect(() => loadConfig({ KPARTY_DPOP_MAX_PROOF_BYTES: '100' })).toThrow(/^KPARTY_DPOP_MAX_PROOF_BYTES must be between 512 and 65536/);
  });
});
