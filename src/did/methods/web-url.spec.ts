import { describe, expect, it } from '@jest/globals';
import { DidResolutionError } from '../did-method-resolver.js';
import { didWebLocation } from './web-url.js';

const NONE: ReadonlySet<string> = new Set();

describe('didWebLocation', () => {
  it.each([
    // The did:web method's own examples (https://w3c-ccg.github.io/did-method-web/#example-creating-the-did)
    ['did:web:w3c-ccg.github.io', 'https://w3c-ccg.github.io/.well-known/did.json'],
    ['did:web:w3c-ccg.github.io:user:alice', 'https://w3c-ccg.github.io/user/alice/did.json'],
    ['did:web:example.com%3A3000:user:alice', 'https://example.com:3000/user/alice/did.json'],
    ['did:web:example.com%3a8443', 'https://example.com:8443/.well-known/did.json'],
    ['did:web:example.com:issuers:hr-2024_v1.0', 'https://example.com/issuers/hr-2024_v1.0/did.json'],
    ['did:web:Example.COM', 'https://Example.COM/.well-known/did.json'],
    ['did:web:intranet', 'https://intranet/.well-known/did.json'],
    ['did:web:xn--bcher-kva.example', 'https://xn--bcher-kva.example/.well-known/did.json'],
    ['did:web:1password.com', 'https://1password.com/.well-known/did.json'],
  ])('%s → %s', (did, url) => {
    expect(didWebLocation(did, NONE).url).toBe(url);
  });

  it('names the allow-list key with port 443 when the DID names none', () => {
    expect(didWebLocation('did:web:Example.com', NONE).authority).toBe('example.com:443');
    expect(didWebLocation('did:web:example.com%3A8443:a', NONE).authority).toBe('example.com:8443');
  });

  it('fetches an allow-listed host:port over plain http, and lets it be an IPv4 address', () => {
    const allow = new Set(['127.0.0.1:8080', 'issuer.test:443']);
    expect(didWebLocation('did:web:127.0.0.1%3A8080', allow).url).toBe('http://127.0.0.1:8080/.well-known/did.json');
    expect(didWebLocation('did:web:127.0.0.1%3A8080:issuers:hr', allow).url).toBe('http://127.0.0.1:8080/issuers/hr/did.json');
    expect(didWebLocation('did:web:issuer.test', allow).url).toBe('http://issuer.test/.well-known/did.json');
    expect(didWebLocation('did:web:issuer.test%3A8443', allow).url).toBe('https://issuer.test:8443/.well-known/did.json');
  });

  it.each([
    ['not a DID', 'https://example.com'],
    ['another method', 'did:key:z6Mk'],
    ['a DID URL', 'did:web:example.com#key-1'],
    ['an IPv4 host not allow-listed', 'did:web:127.0.0.2%3A8080'],
    ['an IPv4 host on the allow-listed address but another port', 'did:web:127.0.0.1%3A8081'],
    ['a private IPv4 host', 'did:web:10.0.0.1'],
    ['the metadata address', 'did:web:169.254.169.254'],
    ['a decimal IPv4 host', 'did:web:2130706433'],
    ['a hex IPv4 host', 'did:web:0x7f.1'],
    ['an octal IPv4 host', 'did:web:017700000001'],
    ['a short IPv4 host', 'did:web:127.1'],
    ['an out-of-range IPv4 host', 'did:web:256.0.0.1'],
    ['a host ending in a number', 'did:web:example.123'],
    ['an empty host', 'did:web:%3A8080'],
    ['an empty label', 'did:web:example..com'],
    ['a trailing dot', 'did:web:example.com.'],
    ['a leading hyphen', 'did:web:-example.com'],
    ['an underscore in the host', 'did:web:ex_ample.com'],
    ['a label over 63 characters', `did:web:${'a'.repeat(64)}.com`],
    ['a host over 253 characters', `did:web:${Array.from({ length: 64 }, () => 'abc').join('.')}`],
    ['percent-encoding in the host', 'did:web:exa%6Dple.com'],
    ['an encoded slash in the host', 'did:web:example.com%2Fevil'],
    ['an encoded @ (user info)', 'did:web:user%40example.com'],
    ['an encoded IPv6 literal', 'did:web:%5B%3A%3A1%5D'],
    ['two port separators', 'did:web:example.com%3A80%3A81'],
    ['an empty port', 'did:web:example.com%3A'],
    ['port 0', 'did:web:example.com%3A0'],
    ['a port above 65535', 'did:web:example.com%3A65536'],
    ['a port with leading zeros', 'did:web:example.com%3A0443'],
    ['a port that is not a number', 'did:web:example.com%3Ahttp'],
    ['an empty path segment', 'did:web:example.com::alice'],
    ['a dot segment', 'did:web:example.com:.:did'],
    ['a dot-dot segment', 'did:web:example.com:..:admin'],
    ['an encoded dot-dot segment', 'did:web:example.com:%2E%2E:admin'],
    ['an encoded slash in the path', 'did:web:example.com:a%2Fb'],
    ['a percent-encoded path segment', 'did:web:example.com:al%20ice'],
  ])('refuses %s before any I/O', (_label, did) => {
    expect(() => didWebLocation(did, new Set(['127.0.0.1:8080']))).toThrow(DidResolutionError);
  });
});
