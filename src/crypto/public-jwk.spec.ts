import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint } from 'jose';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { parsePublicJwk, rsaModulusBits, type PublicJwk } from './public-jwk.js';
import { MAX_RSA_BITS, signatureAlgorithms } from './signature-algorithms.js';

const P256 = { kty: 'EC', crv: 'P-256', x: 'acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0', y: '_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE' };

describe('parsePublicJwk', () => {
  it('keeps key material and usage, drops everything else', () => {
    expect(parsePublicJwk({ ...P256, kid: 'k', x5c: ['MIIB'], ext: true, use: 'sig', key_ops: ['verify'], alg: 'ES256' })).toEqual({
      ok: true,
      jwk: P256,
      usage: { use: 'sig', key_ops: ['verify'], alg: 'ES256' },
    });
  });

  it.each([['d'], ['p'], ['q'], ['dp'], ['dq'], ['qi'], ['oth'], ['k']])('refuses a JWK with private member %s', (member) => {
    expect(parsePublicJwk({ ...P256, [member]: 'AAAA' })).toEqual({ ok: false, detail: 'the JWK contains private key material' });
  });

  it.each([
    ['null', null],
    ['an array', [P256]],
    ['a string', 'P256'],
    ['an EC key missing y', { kty: 'EC', crv: 'P-256', x: P256.x }],
    ['an EC key with a short x', { ...P256, x: P256.x.slice(4) }],
    ['an EC key with padding', { ...P256, x: `${P256.x}=` }],
    ['an RSA key without e', { kty: 'RSA', n: 'AQAB' }],
    ['an RSA key with a 9-byte exponent', { kty: 'RSA', n: 'AQAB', e: 'AQIDBAUGBwgJ' }],
    ['an Ed448 key', { kty: 'OKP', crv: 'Ed448', x: 'AAAA' }],
  ])('refuses %s', (_label, jwk) => {
    expect(parsePublicJwk(jwk)).toMatchObject({ ok: false });
  });
});

describe('signatureAlgorithms', () => {
  const rsa = (modulusLength: number, publicExponent = 65537): Extract<PublicJwk, { kty: 'RSA' }> => {
    const jwk = generateKeyPairSync('rsa', { modulusLength, publicExponent }).publicKey.export({ format: 'jwk' });
    return { kty: 'RSA', n: jwk.n as string, e: jwk.e as string };
  };

  it('allows RSA from 2048 to 8192 bits with a small odd exponent', () => {
    expect(signatureAlgorithms(rsa(2048))).toHaveLength(6);
    expect(signatureAlgorithms(rsa(2047))).toEqual([]);
    expect(signatureAlgorithms(rsa(2048, 3))).toHaveLength(6);
    const huge = { kty: 'RSA' as const, n: Buffer.alloc(MAX_RSA_BITS / 8 + 1, 0xff).toString('base64url'), e: 'AQAB' };
    expect(signatureAlgorithms(huge)).toEqual([]);
    expect(signatureAlgorithms({ kty: 'RSA', n: rsa(2048).n, e: 'AQAAAAE' })).toEqual([]);
    expect(signatureAlgorithms({ kty: 'RSA', n: rsa(2048).n, e: 'AQAA' })).toEqual([]);
  });

  it('measures the modulus without leading zero octets', () => {
    expect(rsaModulusBits(Buffer.from([0, 0, 0x80, 0]).toString('base64url'))).toBe(16);
    expect(rsaModulusBits('AAAA')).toBe(0);
  });

  it('gives ES512 to P-521 and ES256K to secp256k1', () => {
    expect(signatureAlgorithms({ kty: 'EC', crv: 'P-521', x: '', y: '' })).toEqual(['ES512']);
    expect(signatureAlgorithms({ kty: 'EC', crv: 'secp256k1', x: '', y: '' })).toEqual(['ES256K']);
  });
});

describe('jwkThumbprint', () => {
  it('equals jose’s RFC 7638 thumbprint for every key type', async () => {
    const keys: PublicJwk[] = [
      P256 as PublicJwk,
      { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
      {
        kty: 'RSA',
        n: 'sbX82NTV6IylxCh7MfV4hlyvaniCajuP97GyOqSvTmoEdBOflFvZ06kR_9D6ctt45Fk6hskfnag2GG69NALVH2o4RCR6tQiLRpKcMRtDYE_thEmfBvDzm_VVkOIYfxu-Ipuo9J_S5XDNDjczx2v-3oDh5-CIHkU46hvFeCvpUS-L8TJSbgX0kjVk_m4eIb9wh63rtmD6Uz_KBtCo5mmR4TEtcLZKYdqMp3wCjN-TlgHiz_4oVXWbHUefCEe8rFnX1iQnpDHU49_SaXQoud1jCaexFn25n-Aa8f8bc5Vm-5SeRwidHa6ErvEhTvf1dz6GoNPp2iRvm-wJ1gxwWJEYPQ',
        e: 'AQAB',
      },
    ];
    for (const jwk of keys) expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk));
  });

  it('matches the RFC 7638 §3.1 example', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    expect(jwkThumbprint({ kty: 'RSA', n, e: 'AQAB' })).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});
