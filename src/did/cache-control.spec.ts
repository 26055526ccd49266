import { describe, expect, it } from '@jest/globals';
import { freshnessLifetime } from './cache-control.js';

describe('freshnessLifetime', () => {
  it.each<[Record<string, string>, number | undefined]>([
    [{}, undefined],
    [{ 'cache-control': 'public' }, undefined],
    [{ 'cache-control': 'max-age=600' }, 600],
    [{ 'cache-control': 'public, MAX-AGE=600, must-revalidate' }, 600],
    [{ 'cache-control': 'max-age="600"' }, 600],
    [{ 'cache-control': 'max-age=600, s-maxage=60' }, 60],
    [{ 'cache-control': 'max-age=600', age: '100' }, 500],
    [{ 'cache-control': 'max-age=600', age: '9000' }, 0],
    [{ 'cache-control': 'max-age=600', age: 'old' }, 600],
    [{ 'cache-control': 'max-age=600, max-age=5' }, 600],
    [{ 'cache-control': 'no-store, max-age=600' }, 0],
    [{ 'cache-control': 'no-cache' }, 0],
    [{ 'cache-control': 'max-age=-1' }, undefined],
    [{ 'cache-control': 'max-age=1.5' }, undefined],
    [{ 'cache-control': 'max-age=' }, undefined],
    [{ 'cache-control': 'max-age=0x10' }, undefined],
    [{ 'cache-control': `max-age=${'9'.repeat(40)}` }, 2 ** 31],
    [{ 'cache-control': `max-age=${'9'.repeat(100_000)}` }, undefined],
    [{ 'cache-control': ',,,=,max-age=30' }, 30],
  ])('%j → %p', (headers, expected) => {
    expect(freshnessLifetime(headers)).toBe(expected);
  });
});
