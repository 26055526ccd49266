import { describe, expect, it } from '@jest/globals';
import { MAX_BASE58_LENGTH, decodeBase58btc, encodeBase58btc } from './base58btc.js';

describe('base58btc', () => {
  it('matches the draft-msporny-base58 examples', () => {
    const hello = new TextEncoder().encode('Hello World!');
    expect(encodeBase58btc(hello)).toBe('2NEpo7TZRRrLZSi2U');
    expect(decodeBase58btc('2NEpo7TZRRrLZSi2U')).toEqual(hello);
    const zeros = Uint8Array.from([0, 0, 0x28, 0x7f, 0xb4, 0xcd]);
    expect(encodeBase58btc(zeros)).toBe('11233QC4');
    expect(decodeBase58btc('11233QC4')).toEqual(zeros);
  });

  it('round-trips random bytes', () => {
    for (let i = 1; i < 50; i++) {
      const bytes = Uint8Array.from({ length: i }, (_, j) => (j * 37 + i) & 0xff);
      expect(decodeBase58btc(encodeBase58btc(bytes))).toEqual(bytes);
    }
  });

  it.each([['0'], ['O'], ['I'], ['l'], ['abc+'], ['é'], ['']])('refuses %j', (text) => {
    expect(decodeBase58btc(text)).toBeNull();
  });

  it('refuses input longer than the bound before decoding', () => {
    expect(decodeBase58btc('z'.repeat(MAX_BASE58_LENGTH))).not.toBeNull();
    expect(decodeBase58btc('z'.repeat(MAX_BASE58_LENGTH + 1))).toBeNull();
  });
});
