/**
 * Runs every entry of the hostile corpus (test/hostile/corpus/) through the
 * HTTP API of an in-process kparty and asserts, for each: the exact status and
 * problem `code` (and the failed checks in `errors`), never a 5xx, never a
 * session (no acceptance); and for the whole run, bounded memory.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOSTILE_CORPUS } from './corpus/index.js';
import { createHostileContext } from './hostile-context.js';
import type { HostileContext } from './hostile-entry.js';

/** Growth of the heap over the whole corpus that would mean a leak or an amplification. */
const MAX_HEAP_GROWTH_BYTES = 256 * 1024 * 1024;

let context: HostileContext;
let heapBefore = 0;

beforeAll(async () => {
  context = await createHostileContext();
  heapBefore = process.memoryUsage().heapUsed;
});

afterAll(async () => {
  await context.kparty.close();
});

describe.each(HOSTILE_CORPUS)('hostile corpus: $table', ({ entries }) => {
  it.each(entries.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    const request = await entry.request(context);
    const reply = await context.kparty.request(request.method, request.url, request);
    expect(reply.status).toBeLessThan(500);
    if (entry.expect.walletDecision === 'rejected') {
      expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: {} });
      const id = /\/v1\/oid4vp\/responses\/([A-Za-z0-9_-]+)/.exec(request.url)?.[1];
      const view = await context.kparty.request('GET', `/v1/oid4vp/requests/${id ?? ''}`, { key: context.rpKey });
      expect({ status: view.status, state: view.body?.status }).toEqual({ status: 200, state: 'rejected' });
      expect(view.text).not.toMatch(/"access_token"|"session"/);
      if (entry.expect.errors) expect(JSON.stringify(view.body)).toEqual(expect.stringContaining(entry.expect.errors[0]!));
      return;
    }
    if (entry.expect.oauthError !== undefined) {
      expect({ status: reply.status, error: reply.body?.error }).toEqual({ status: entry.expect.status, error: entry.expect.oauthError });
    } else {
      expect({ status: reply.status, code: reply.body?.code }).toEqual({ status: entry.expect.status, code: entry.expect.code });
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(reply.text).not.toMatch(/"session"|"access_token"|\bat .+\.(js|ts):\d+|node_modules/);
    if (entry.expect.errors) {
      const codes = ((reply.body?.errors ?? []) as Array<{ code: string }>).map((e) => e.code);
      expect(codes).toEqual(expect.arrayContaining(entry.expect.errors));
    }
  });
});

describe('hostile corpus as a whole', () => {
  it(`has at least 150 entries`, () => {
    expect(HOSTILE_CORPUS.reduce((n, t) => n + t.entries.length, 0)).toBeGreaterThanOrEqual(150);
  });

  it('leaves the heap bounded after every entry ran', () => {
    global.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
  });
});
