import { describe, expect, it } from '@jest/globals';
import { MAX_DID_LENGTH, isDid, parseDid, splitDidUrl } from './did-syntax.js';

describe('parseDid', () => {
  it.each([
    ['did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'key', 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'],
    ['did:web:example.com', 'web', 'example.com'],
    ['did:web:example.com%3A8443:users:alice', 'web', 'example.com%3A8443:users:alice'],
    ['did:example:a::b', 'example', 'a::b'],
    ['did:ex4mple:_-.', 'ex4mple', '_-.'],
  ])('parses %s', (did, method, methodSpecificId) => {
    expect(parseDid(did)).toEqual({ method, methodSpecificId });
  });

  it.each([
    ['no scheme', 'key:z6Mk'],
    ['upper-case scheme', 'DID:key:z6Mk'],
    ['upper-case method', 'did:Key:z6Mk'],
    ['method with a dash', 'did:my-method:abc'],
    ['empty method', 'did::abc'],
    ['empty method-specific id', 'did:key:'],
    ['trailing colon', 'did:web:example.com:'],
    ['bad percent-encoding', 'did:web:example.com%3'],
    ['non-hex percent-encoding', 'did:web:example.com%zz'],
    ['space', 'did:web:exa mple.com'],
    ['non-ASCII', 'did:web:exämple.com'],
    ['a fragment (DID URL)', 'did:key:z6Mk#z6Mk'],
    ['a query (DID URL)', 'did:web:example.com?versionId=1'],
    ['a path (DID URL)', 'did:web:example.com/path'],
    ['empty string', ''],
  ])('refuses %s', (_label, did) => {
    expect(parseDid(did)).toBeNull();
    expect(isDid(did)).toBe(false);
  });

  it('refuses a DID over 8 KiB and accepts one of exactly 8 KiB', () => {
    const prefix = 'did:example:';
    const exact = prefix + 'a'.repeat(MAX_DID_LENGTH - prefix.length);
    expect(MAX_DID_LENGTH).toBe(8192);
    expect(parseDid(exact)).not.toBeNull();
    expect(parseDid(`${exact}a`)).toBeNull();
    expect(splitDidUrl(`${exact}#a`)).toBeNull();
  });

  it('refuses a huge input quickly', () => {
    const huge = `did:example:${'a:'.repeat(5_000_000)}`;
    const started = performance.now();
    expect(parseDid(huge)).toBeNull();
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('refuses non-strings', () => {
    expect(parseDid(42 as unknown as string)).toBeNull();
    expect(splitDidUrl(null as unknown as string)).toBeNull();
  });
});

describe('splitDidUrl', () => {
  it('splits a DID URL into DID, path, query and fragment, as written', () => {
    expect(splitDidUrl('did:web:example.com/a/b%20c?service=files&x=1#key-1')).toEqual({
      did: 'did:web:example.com',
      path: '/a/b%20c',
      query: 'service=files&x=1',
      fragment: 'key-1',
    });
  });

  it('gives a bare DID as a DID URL without parts', () => {
    expect(splitDidUrl('did:key:z6Mk')).toEqual({ did: 'did:key:z6Mk' });
  });

  it('keeps an empty query or fragment apart from an absent one', () => {
    expect(splitDidUrl('did:key:z6Mk#')).toEqual({ did: 'did:key:z6Mk', fragment: '' });
    expect(splitDidUrl('did:key:z6Mk?')).toEqual({ did: 'did:key:z6Mk', query: '' });
  });

  it('allows RFC 3986 fragment characters, including "/" and "?"', () => {
    expect(splitDidUrl("did:ex:1#a/b?c:d@e!$&'()*+,;=~")).toEqual({ did: 'did:ex:1', fragment: "a/b?c:d@e!$&'()*+,;=~" });
  });

  it.each([
    ['a relative reference', '#key-1'],
    ['an invalid DID', 'did:Ex:1#key'],
    ['a second "#"', 'did:ex:1#a#b'],
    ['a space in the fragment', 'did:ex:1#a b'],
    ['bad percent-encoding in the path', 'did:ex:1/%G0'],
    ['a trailing colon before the fragment', 'did:ex:1:#a'],
  ])('refuses %s', (_label, url) => {
    expect(splitDidUrl(url)).toBeNull();
  });

  it('does not normalise: case and percent-encoding are kept', () => {
    expect(splitDidUrl('did:web:Example.COM%3a443#Key')).toEqual({ did: 'did:web:Example.COM%3a443', fragment: 'Key' });
  });
});
