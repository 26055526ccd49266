/** Policy `session.refresh` and `session.dpop` (docs/sessions.md): schema and the lifetime rules. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { validatePolicy } from './validate-policy.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LoosePolicy = Record<string, any>;

function example(session: Record<string, unknown>): LoosePolicy {
  const policy = JSON.parse(readFileSync(new URL('./__fixtures__/valid/employee-portal.json', import.meta.url), 'utf8')) as LoosePolicy;
  policy.session = { ...policy.session, ...session };
  return policy;
}

function lines(policy: unknown, limits: { sessionMaxTtl: number; refreshMaxTtl?: number } = { sessionMaxTtl: 3600 }): string[] {
  const result = validatePolicy(policy, limits);
  return result.ok ? [] : result.violations.map((v) => `${v.code} ${v.path}: ${v.detail}`);
}

describe('session.refresh and session.dpop', () => {
  it('accepts refresh settings and both DPoP modes', () => {
    for (const dpop of ['required', 'optional']) {
      expect(lines(example({ refresh: { ttlSeconds: 3600, absoluteTtlSeconds: 86_400, recheck: 'status' }, dpop }))).toEqual([]);
    }
    expect(lines(example({ refresh: { ttlSeconds: 60, absoluteTtlSeconds: 60, recheck: 'none' } }))).toEqual([]);
  });

  it('refuses a missing member, an unknown one, wrong types and values, with the exact code and path', () => {
    expect(lines(example({ refresh: { ttlSeconds: 3600, absoluteTtlSeconds: 86_400 } }))).toEqual([
      'policy.invalid /session/refresh/recheck: missing required property "recheck"',
    ]);
    expect(lines(example({ refresh: { ttlSeconds: 3600, absoluteTtlSeconds: 86_400, recheck: 'always' } }))).toEqual([
      expect.stringMatching(/^policy\.invalid \/session\/refresh\/recheck: /),
    ]);
    expect(lines(example({ refresh: { ttlSeconds: 3600, absoluteTtlSeconds: 86_400, recheck: 'none', rotate: false } }))).toEqual([
      'policy.invalid /session/refresh/rotate: unknown property "rotate"',
    ]);
    expect(lines(example({ refresh: { ttlSeconds: 59, absoluteTtlSeconds: '86400', recheck: 'none' } })).map((l) => l.split(':')[0])).toEqual([
      'policy.invalid /session/refresh/ttlSeconds',
      'policy.invalid /session/refresh/absoluteTtlSeconds',
    ]);
    expect(lines(example({ dpop: 'sometimes' }))).toEqual([expect.stringMatching(/^policy\.invalid \/session\/dpop: /)]);
    expect(lines(example({ refresh: true }))).toEqual([expect.stringMatching(/^policy\.invalid \/session\/refresh: /)]);
  });

  it('the idle lifetime may not exceed the absolute one, nor the absolute one KPARTY_REFRESH_MAX_TTL (default 30 days)', () => {
    expect(lines(example({ refresh: { ttlSeconds: 7200, absoluteTtlSeconds: 3600, recheck: 'none' } }))).toEqual([
      'policy.invalid /session/refresh/ttlSeconds: must not exceed absoluteTtlSeconds',
    ]);
    expect(lines(example({ refresh: { ttlSeconds: 3600, absoluteTtlSeconds: 31 * 86_400, recheck: 'none' } }))).toEqual([
      expect.stringMatching(/^policy\.invalid \/session\/refresh\/absoluteTtlSeconds: must not exceed 2592000, .*KPARTY_REFRESH_MAX_TTL/),
    ]);
    expect(lines(example({ refresh: { ttlSeconds: 3600, absoluteTtlSeconds: 7200, recheck: 'none' } }), { sessionMaxTtl: 3600, refreshMaxTtl: 3600 })).toEqual([
      expect.stringMatching(/^policy\.invalid \/session\/refresh\/absoluteTtlSeconds: must not exceed 3600/),
    ]);
  });
});
