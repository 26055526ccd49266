import { describe, expect, it } from '@jest/globals';
import { LruMap } from './lru.js';

describe('LruMap', () => {
  it('never holds more than its capacity, evicting the least recently used entry', () => {
    const lru = new LruMap<string, number>(3);
    for (let i = 0; i < 100; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(3);
    expect([lru.get('k97'), lru.get('k98'), lru.get('k99')]).toEqual([97, 98, 99]);
    expect(lru.get('k0')).toBeUndefined();
  });

  it('counts a read as a use', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1).set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.has('a')).toBe(true);
    expect(lru.has('b')).toBe(false);
  });

  it('replaces a value without growing', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1).set('a', 2);
    expect(lru.size).toBe(1);
    expect(lru.get('a')).toBe(2);
  });

  it('keeps undefined-free semantics for deleted and cleared keys', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1).set('b', 2);
    expect(lru.delete('a')).toBe(true);
    expect(lru.get('a')).toBeUndefined();
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
    expect(() => new LruMap(1.5)).toThrow(RangeError);
  });
});
