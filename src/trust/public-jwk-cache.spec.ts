import { describe, expect, it } from '@jest/globals';
import { parsePublicJwk } from '../crypto/public-jwk.js';
import { parsePublicJwkCached } from './public-jwk-cache.js';

const P256 = { kty: 'EC', crv: 'P-256', x: 'TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc', y: 'ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ' };

describe('parsePublicJwkCached', () => {
  it('answers what parsePublicJwk answers, and the same frozen object the second time', () => {
    const first = parsePublicJwkCached({ ...P256, key_ops: ['verify'] });
    expect(first).toEqual(parsePublicJwk({ ...P256, key_ops: ['verify'] }));
    expect(parsePublicJwkCached({ ...P256, key_ops: ['verify'] })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    if (first.ok) expect(Object.isFrozen(first.jwk)).toBe(true);
  });

  it('never hands one input the answer of another (usage, private members, a point off the curve)', () => {
    expect(parsePublicJwkCached({ ...P256, use: 'enc' })).toMatchObject({ ok: true, usage: { use: 'enc' } });
    expect(parsePublicJwkCached({ ...P256, d: 'AAAA' })).toMatchObject({ ok: false });
    expect(parsePublicJwkCached({ ...P256, y: P256.x })).toMatchObject({ ok: false, detail: 'the EC point is not on its curve' });
    expect(parsePublicJwkCached(P256)).toMatchObject({ ok: true, usage: {} });
  });

  it('parses odd shapes without caching them', () => {
    expect(parsePublicJwkCached('nope')).toMatchObject({ ok: false });
    expect(parsePublicJwkCached({ ...P256, key_ops: 'verify' })).toMatchObject({ ok: false });
    expect(parsePublicJwkCached({ ...P256, x: 'A'.repeat(3000) })).toMatchObject({ ok: false });
  });
});
