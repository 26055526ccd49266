import { cloneJson, isJsonObject, setOwn } from './json-data.js';

describe('json-data', () => {
  it('cloneJson copies deeply', () => {
    const source = { a: [1, { b: 'c' }], d: null, e: true };
    const copy = cloneJson(source);
    expect(copy).toEqual(source);
    expect(copy.a).not.toBe(source.a);
    expect(copy.a[1]).not.toBe(source.a[1]);
  });

  it('cloneJson copies nesting deeper than the call stack allows recursion', () => {
    const depth = 200_000;
    const deep = JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
    expect(() => cloneJson(deep)).not.toThrow();
  });

  it('cloneJson keeps shared and cyclic references instead of looping', () => {
    const shared = { x: 1 };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    const copy = cloneJson(cyclic);
    expect(copy.a).toBe(copy.b);
    expect(copy.self).toBe(copy);
    expect(copy.a).not.toBe(shared);
  });

  it('cloneJson copies an own "__proto__" key as a key', () => {
    const copy = cloneJson(JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('cloneJson returns primitives as they are', () => {
    expect(cloneJson('x')).toBe('x');
    expect(cloneJson(null)).toBeNull();
  });

  it('setOwn never changes the prototype', () => {
    const target = {};
    setOwn(target, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.hasOwn(target, '__proto__')).toBe(true);
  });

  it('isJsonObject is true for objects only', () => {
    expect([{}, [], null, 'x', 1].map(isJsonObject)).toEqual([true, false, false, false, false]);
  });
});
