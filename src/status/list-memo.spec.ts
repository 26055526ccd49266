import { describe, expect, it } from '@jest/globals';
import { ByteBoundedLru } from './list-memo.js';

describe('ByteBoundedLru', () => {
  it('evicts the least recently used entries to stay within its bytes', () => {
    const memo = new ByteBoundedLru<string>(10, 100);
    memo.set('a', 'A', 40);
    memo.set('b', 'B', 40);
    expect(memo.get('a')).toBe('A');
    memo.set('c', 'C', 40);
    expect(memo.get('b')).toBeUndefined();
    expect(memo.get('a')).toBe('A');
    expect(memo.get('c')).toBe('C');
    expect(memo.bytes).toBe(80);
  });

  it('evicts to stay within its entry count', () => {
    const memo = new ByteBoundedLru<number>(2, 1_000);
    memo.set('a', 1, 1);
    memo.set('b', 2, 1);
    memo.set('c', 3, 1);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, 2, 3]);
    expect(memo.size).toBe(2);
  });

  it('does not keep a value larger than the whole budget', () => {
    const memo = new ByteBoundedLru<string>(10, 100);
    memo.set('small', 's', 10);
    memo.set('huge', 'h', 101);
    expect(memo.get('huge')).toBeUndefined();
    expect(memo.get('small')).toBe('s');
    expect(memo.bytes).toBe(10);
  });

  it('replaces a key without counting it twice', () => {
    const memo = new ByteBoundedLru<string>(10, 100);
    memo.set('a', 'first', 60);
    memo.set('a', 'second', 70);
    expect(memo.get('a')).toBe('second');
    expect(memo.bytes).toBe(70);
    memo.delete('a');
    expect(memo.bytes).toBe(0);
  });

  it('refuses bounds that are not positive integers', () => {
    expect(() => new ByteBoundedLru(0, 10)).toThrow(RangeError);
    expect(() => new ByteBoundedLru(10, 0.5)).toThrow(RangeError);
  });
});
