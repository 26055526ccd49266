import canonicalizeModule from 'canonicalize';

/**
 * RFC 8785 JSON Canonicalization Scheme (the `canonicalize` package, which the
 * W3C jcs cryptosuites use too). The package is CommonJS exporting the
 * function itself; its typings declare it as a default export.
 */
const serialize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export function jcs(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}
