import { LruMap } from '../crypto/lru.js';
import { parsePublicJwk, type ParsedPublicJwk } from '../crypto/public-jwk.js';

/** Parsed keys kept (pinned issuer keys, published issuer keys, `cnf` keys seen again). */
export const PARSED_JWK_CACHE_SIZE = 4096;
/** Longest member value considered for caching (RSA moduli of 8192 bits are 1366 characters). */
const MAX_CACHED_MEMBER = 2048;

const cache = new LruMap<string, ParsedPublicJwk>(PARSED_JWK_CACHE_SIZE);
const MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e', 'use', 'alg', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * `parsePublicJwk` with its answers remembered (a bounded LRU): checking that
 * an EC point lies on its curve costs more than the ECDSA verification it
 * precedes, and the same issuer and holder keys come back on every
 * verification. The key is every member the parse reads, so a different
 * input can never receive another input's answer; inputs with other shapes
 * (oversized members, odd key_ops) are parsed every time.
 */
export function parsePublicJwkCached(input: unknown): ParsedPublicJwk {
  const key = cacheKey(input);
  if (key === undefined) return parsePublicJwk(input);
  const known = cache.get(key);
  if (known) return known;
  const parsed = freeze(parsePublicJwk(input));
  cache.set(key, parsed);
  return parsed;
}

function cacheKey(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const jwk = input as Record<string, unknown>;
  const ops = jwk.key_ops;
  if (ops !== undefined && (!Array.isArray(ops) || ops.length > 16 || !ops.every((op) => typeof op === 'string' && op.length <= 32))) return undefined;
  const values: unknown[] = [ops ?? null];
  for (const member of MEMBERS) {
    const value = jwk[member];
    if (value !== undefined && (typeof value !== 'string' || value.length > MAX_CACHED_MEMBER)) return undefined;
    values.push(value ?? null);
  }
  return JSON.stringify(values);
}

/** Shared answers are frozen, so no caller can change another's key. */
function freeze(parsed: ParsedPublicJwk): ParsedPublicJwk {
  if (parsed.ok) {
    Object.freeze(parsed.jwk);
    if (parsed.usage.key_ops) Object.freeze(parsed.usage.key_ops);
    Object.freeze(parsed.usage);
  }
  return Object.freeze(parsed);
}
