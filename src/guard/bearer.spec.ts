import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { bearerToken } from './bearer.js';
import { SessionTokenError } from './errors.js';
import { bearerChallenge, quotedAttributeValue } from './www-authenticate.js';

function reasonOf(header: string | string[] | undefined): string {
  try {
    return `token:${bearerToken(header)}`;
  } catch (error) {
    if (!(error instanceof SessionTokenError)) throw error;
    return error.reason;
  }
}

describe('bearerToken (RFC 6750 §2.1)', () => {
  it.each([
    ['Bearer abc.def.ghi', 'token:abc.def.ghi'],
    ['bearer abc.def.ghi', 'token:abc.def.ghi'],
    ['BEARER   abc.def-_~+/=', 'token:abc.def-_~+/='],
    [['Bearer abc'], 'token:abc'],
  ])('reads %j', (header, expected) => {
    expect(reasonOf(header)).toBe(expected);
  });

  it.each([
    [undefined, 'token_missing'],
    ['', 'token_missing'],
    ['   ', 'token_missing'],
    ['Basic dXNlcjpwYXNz', 'token_missing'],
    ['Bearerabc', 'token_missing'],
    ['Bearer', 'authorization_malformed'],
    ['Bearer ', 'authorization_malformed'],
    ['Bearer a b', 'authorization_malformed'],
    ['Bearer a,b', 'authorization_malformed'],
    ['Bearer "abc"', 'authorization_malformed'],
    ['Bearer a=b', 'authorization_malformed'],
    ['Bearer abc\tdef', 'authorization_malformed'],
    ['Bearer Ωmega', 'authorization_malformed'],
    [['Bearer a', 'Bearer b'], 'authorization_malformed'],
  ])('refuses %j as %s', (header, reason) => {
    expect(reasonOf(header)).toBe(reason);
  });

  it('answers a request without credentials with a bare challenge (no error code), a malformed one with 400', () => {
    const missing = (() => {
      try {
        bearerToken(undefined);
      } catch (error) {
        return error as SessionTokenError;
      }
      throw new Error('no error');
    })();
    expect({ status: missing.status, header: missing.wwwAuthenticate }).toEqual({ status: 401, header: 'Bearer' });
    expect(missing.withRealm('orders').wwwAuthenticate).toBe('Bearer realm="orders"');
    expect(() => bearerToken('Bearer a b')).toThrow(expect.objectContaining({ code: 'invalid_request', status: 400 }) as unknown as Error);
  });

  it('never throws anything but a SessionTokenError, and only returns b64tokens, whatever the header', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.constantFrom('Bearer ', 'bearer  ').chain((p) => fc.string().map((s) => p + s)),
        ),
        (header) => {
          try {
            expect(bearerToken(header)).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
          } catch (error) {
            expect(error).toBeInstanceOf(SessionTokenError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('WWW-Authenticate (RFC 6750 §3)', () => {
  it('builds the challenge with error, description and scope', () => {
    expect(bearerChallenge({ realm: 'api', error: 'invalid_token', description: 'the token has expired' })).toBe(
      'Bearer realm="api", error="invalid_token", error_description="the token has expired"',
    );
    expect(bearerChallenge({ error: 'insufficient_scope', scope: ['a', 'b'] })).toBe('Bearer error="insufficient_scope", scope="a b"');
  });

  it('never lets a value break out of its quoted string or the header line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const safe = quotedAttributeValue(value);
        expect(safe).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/);
        expect(safe.length).toBeLessThanOrEqual(512);
      }),
      { numRuns: 2000 },
    );
    expect(bearerChallenge({ realm: 'a"\r\nSet-Cookie: x=1' })).toBe('Bearer realm="a???Set-Cookie: x=1"');
  });
});
