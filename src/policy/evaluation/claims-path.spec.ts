import fc from 'fast-check';
import type { ClaimPath } from '../../core/model/policy.js';
import { locateClaims, selectClaims } from './claims-path.js';

/** OpenID4VP 1.0 §7.4's example credential. */
const ARTHUR = {
  name: 'Arthur Dent',
  address: { street_address: '42 Market Street', locality: 'Milliways', postal_code: '12345' },
  degrees: [
    { type: 'Bachelor of Science', university: 'University of Betelgeuse' },
    { type: 'Master of Science', university: 'University of Betelgeuse' },
  ],
  nationalities: ['British', 'Betelgeusian'],
};

describe('selectClaims (OpenID4VP 1.0 §7.1.1)', () => {
  describe('the §7.4 examples', () => {
    it.each<[ClaimPath, unknown[]]>([
      [['name'], ['Arthur Dent']],
      [['address'], [ARTHUR.address]],
      [['address', 'street_address'], ['42 Market Street']],
      [
        ['degrees', null, 'type'],
        ['Bachelor of Science', 'Master of Science'],
      ],
      [['nationalities', 1], ['Betelgeusian']],
    ])('%j selects %j', (path, expected) => {
      expect(selectClaims(ARTHUR, path)).toEqual(expected);
    });
  });

  describe('a string selects an object key', () => {
    it('selects nested keys', () => {
      expect(selectClaims({ a: { b: { c: 1 } } }, ['a', 'b', 'c'])).toEqual([1]);
    });

    it('a missing key selects nothing', () => {
      expect(selectClaims(ARTHUR, ['address', 'country'])).toEqual([]);
    });

    it.each<[string, unknown]>([
      ['an array', ['x']],
      ['a string', 'text'],
      ['a number', 7],
      ['a boolean', true],
      ['null', null],
    ])('selects nothing from %s (not an object: processing aborts)', (_, value) => {
      expect(selectClaims({ a: value }, ['a', '0'])).toEqual([]);
      expect(selectClaims({ a: value }, ['a', 'length'])).toEqual([]);
    });

    it('aborts when any selected element is not an object, even if others have the key', () => {
      expect(selectClaims({ a: [{ b: 1 }, 5] }, ['a', null, 'b'])).toEqual([]);
      expect(selectClaims({ a: [{ b: 1 }, null] }, ['a', null, 'b'])).toEqual([]);
    });

    it('drops only the elements that lack the key', () => {
      expect(selectClaims({ a: [{ b: 1 }, { c: 2 }, { b: 3 }] }, ['a', null, 'b'])).toEqual([1, 3]);
    });
  });

  describe('null selects every element of an array', () => {
    it('selects all elements, in order', () => {
      expect(selectClaims(ARTHUR, ['nationalities', null])).toEqual(['British', 'Betelgeusian']);
    });

    it('nests', () => {
      expect(selectClaims({ m: [[1, 2], [3]] }, ['m', null, null])).toEqual([1, 2, 3]);
    });

    it('selects nothing from an empty array (an empty selection is an error)', () => {
      expect(selectClaims({ a: [] }, ['a', null])).toEqual([]);
      expect(selectClaims({ a: [] }, ['a', null, 'b'])).toEqual([]);
    });

    it.each<[string, unknown]>([
      ['an object', { 0: 'x' }],
      ['a string', 'xy'],
      ['a number', 1],
    ])('selects nothing from %s (not an array: processing aborts)', (_, value) => {
      expect(selectClaims({ a: value }, ['a', null])).toEqual([]);
    });

    it('aborts when any selected element is not an array', () => {
      expect(selectClaims({ m: [[1], 'x'] }, ['m', null, null])).toEqual([]);
    });
  });

  describe('a non-negative integer selects an array index', () => {
    it('selects the element', () => {
      expect(selectClaims(ARTHUR, ['degrees', 0, 'type'])).toEqual(['Bachelor of Science']);
    });

    it('an index out of range selects nothing', () => {
      expect(selectClaims(ARTHUR, ['nationalities', 2])).toEqual([]);
    });

    it('drops only the arrays too short for the index', () => {
      expect(selectClaims({ m: [[1], [], [2, 3]] }, ['m', null, 0])).toEqual([1, 2]);
    });

    it('selects nothing from an object, even one with that key (not an array: processing aborts)', () => {
      expect(selectClaims({ a: { 0: 'x' } }, ['a', 0])).toEqual([]);
    });

    it('aborts when any selected element is not an array', () => {
      expect(selectClaims({ m: [[1], { 0: 2 }] }, ['m', null, 0])).toEqual([]);
    });

    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects the component %p (anything else aborts)', (component) => {
      expect(selectClaims({ a: [1, 2] }, ['a', component])).toEqual([]);
    });
  });

  it('rejects components of other types', () => {
    expect(selectClaims({ a: 1 }, [true as unknown as string])).toEqual([]);
    expect(selectClaims({ a: 1 }, [{} as unknown as string])).toEqual([]);
  });

  it('an empty path selects nothing (a claims path pointer is non-empty)', () => {
    expect(selectClaims(ARTHUR, [])).toEqual([]);
  });

  it('selects a JSON null as a value (what null means is decided by the caller)', () => {
    expect(selectClaims({ a: null }, ['a'])).toEqual([null]);
  });

  describe('hostile keys match own properties only', () => {
    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('%s is missing from {}', (key) => {
      expect(selectClaims({}, [key])).toEqual([]);
      expect(selectClaims({ a: {} }, ['a', key])).toEqual([]);
    });

    it('finds a credential’s own "__proto__" and "constructor" keys, as parsed from JSON', () => {
      const document: unknown = JSON.parse('{"__proto__": {"admin": true}, "constructor": "c"}');
      expect(selectClaims(document, ['__proto__', 'admin'])).toEqual([true]);
      expect(selectClaims(document, ['constructor'])).toEqual(['c']);
    });

    it('reads objects without a prototype', () => {
      const document = Object.assign(Object.create(null) as object, { a: 1 });
      expect(selectClaims(document, ['a'])).toEqual([1]);
    });

    it('does not see inherited properties', () => {
      const document = Object.create({ inherited: 'yes' }) as object;
      expect(selectClaims(document, ['inherited'])).toEqual([]);
    });
  });

  it('does not change the document', () => {
    const document = structuredClone(ARTHUR);
    selectClaims(document, ['degrees', null, 'type']);
    expect(document).toEqual(ARTHUR);
  });
});

describe('locateClaims', () => {
  it('gives the concrete location of every selected value', () => {
    expect(locateClaims(ARTHUR, ['degrees', null, 'type'])).toEqual([
      { pointer: ['degrees', 0, 'type'], value: 'Bachelor of Science' },
      { pointer: ['degrees', 1, 'type'], value: 'Master of Science' },
    ]);
  });

  it('property: following a located pointer step by step reaches its value', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.integer(), fc.constantFrom('x', null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 3 }),
      object: fc.dictionary(fc.constantFrom('a', 'b'), tie('value'), { maxKeys: 2 }),
    }));
    const path = fc.array(fc.oneof(fc.constantFrom('a', 'b', null), fc.nat(2)), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(json.object, path, (document, claimPath) => {
        for (const { pointer, value } of locateClaims(document, claimPath)) {
          const reached = pointer.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], document);
          expect(reached).toBe(value);
          expect(pointer).toHaveLength(claimPath.length);
        }
      }),
      { seed: 20250601, numRuns: 200 },
    );
  });
});
