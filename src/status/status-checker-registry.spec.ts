import { describe, expect, it } from '@jest/globals';
import { checkRequest } from './__fixtures__/status-test-bed.js';
import type { StatusChecker } from './status-checker.js';
import { StatusCheckerRegistry } from './status-checker-registry.js';

/** A checker that answers a fixed outcome for entries of its `type`. */
function answering(mechanism: string, state: 'valid' | 'revoked'): StatusChecker & { seen: unknown[] } {
  const seen: unknown[] = [];
  return {
    mechanism,
    seen,
    supports: (entry) => (entry as { type?: unknown }).type === mechanism,
    check: async (request) => {
      seen.push(request.entry);
      return state === 'valid' ? { state } : { state, detail: 'revoked by test' };
    },
  };
}

describe('StatusCheckerRegistry', () => {
  it('hands each entry to the checker that supports its shape', async () => {
    const first = answering('FirstEntry', 'valid');
    const second = answering('SecondEntry', 'revoked');
    const registry = new StatusCheckerRegistry([first, second]);
    await expect(registry.check(checkRequest({ type: 'SecondEntry' }))).resolves.toEqual({ state: 'revoked', detail: 'revoked by test' });
    expect(first.seen).toEqual([]);
    expect(second.seen).toEqual([{ type: 'SecondEntry' }]);
    expect(registry.supportedMechanisms).toEqual(['FirstEntry', 'SecondEntry']);
  });

  it('answers unavailable, naming the type, for an entry no checker supports', async () => {
    const registry = new StatusCheckerRegistry([answering('FirstEntry', 'valid')]);
    await expect(registry.check(checkRequest({ type: 'RevocationList2020Status' }))).resolves.toEqual({
      state: 'unavailable',
      reason: 'entry_unsupported',
      detail: expect.any(String),
    });
    await expect(registry.check(checkRequest({ id: 'https://status.example/1' }))).resolves.toMatchObject({
      state: 'unavailable',
      reason: 'entry_unsupported',
    });
  });

  it('caps an attacker-chosen type in the detail', async () => {
    const registry = new StatusCheckerRegistry([]);
    const outcome = await registry.check(checkRequest({ type: 'X'.repeat(10_000) }));
    expect(outcome.state).toBe('unavailable');
    expect(outcome.state === 'unavailable' && outcome.detail.length).toBeLessThan(200);
  });

  it.each([
    ['a string', 'https://status.example/1'],
    ['null', null],
    ['an array', [{ type: 'FirstEntry' }]],
    ['a number', 7],
  ])('answers malformed for an entry that is %s', async (_name, entry) => {
    const registry = new StatusCheckerRegistry([answering('FirstEntry', 'valid')]);
    await expect(registry.check(checkRequest(entry))).resolves.toMatchObject({ state: 'malformed', reason: 'entry_malformed' });
  });

  it('refuses two checkers for one mechanism (a wiring mistake)', () => {
    expect(() => new StatusCheckerRegistry([answering('FirstEntry', 'valid'), answering('FirstEntry', 'revoked')])).toThrow('Two status checkers');
  });
});
