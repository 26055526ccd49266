import { isIP } from 'node:net';
import type { DidResolver } from './did-resolver.js';
import { DidResolutionError } from './did-method-resolver.js';
import { parseDid } from './did-syntax.js';
import { didWebLocation } from './methods/web-url.js';

/** Methods whose DID document is derived from the identifier alone: resolving them needs no network. */
const OFFLINE_METHODS: ReadonlySet<string> = new Set(['key', 'jwk']);

/**
 * For policy checks (src/policy/policy-capabilities.ts): why an issuer DID can
 * certainly never be resolved, found without network access — a did:key or
 * did:jwk that does not decode, a did:web that is not a valid did:web — or
 * undefined.
 */
export function offlineDidProblem(dids: DidResolver, allow: ReadonlySet<string>): (did: string) => Promise<string | undefined> {
  return async (did) => {
    const parsed = parseDid(did);
    if (!parsed) return 'not a valid DID';
    if (parsed.method === 'web') {
      try {
        didWebLocation(did, allow);
        return undefined;
      } catch (error) {
        return error instanceof DidResolutionError ? error.message : 'invalid did:web';
      }
    }
    if (!OFFLINE_METHODS.has(parsed.method)) return undefined;
    const resolution = await dids.resolve(did);
    return resolution.ok ? undefined : resolution.detail;
  };
}

/** A did:web whose host is this machine or an IP address that KPARTY_OUTBOUND_ALLOW does not list: the guarded fetcher will refuse it. */
export function didWebHostProblem(allow: ReadonlySet<string>): (did: string) => string | undefined {
  return (did) => {
    const parsed = parseDid(did);
    if (!parsed || parsed.method !== 'web') return undefined;
    let authority: string;
    try {
      authority = didWebLocation(did, allow).authority;
    } catch {
      return undefined;
    }
    const host = authority.slice(0, authority.lastIndexOf(':'));
    if (allow.has(authority)) return undefined;
    if (host === 'localhost' || host.endsWith('.localhost') || isIP(host) !== 0) {
      return `${host} is a local or private host: kparty fetches its DID document only when KPARTY_OUTBOUND_ALLOW lists ${authority}`;
    }
    return undefined;
  };
}
