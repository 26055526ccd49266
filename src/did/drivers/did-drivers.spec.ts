import { describe, expect, it } from '@jest/globals';
import * as pkhDidResolver from 'pkh-did-resolver';
import { MemorySharedCache } from '../../cache/memory-shared-cache.js';
import { fixedClock } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { FetchError, type Fetcher } from '../../core/ports/fetcher.js';
import { DidDocumentCache } from '../did-document-cache.js';
import { DidResolver } from '../did-resolver.js';
import { guardedFetch, loadDidDrivers, type DidDriverOptions } from './did-drivers.js';

const PKH = 'did:pkh:eip155:1:0xab16a96d359ec26a11e2c2b3d8f8b8942d5bfcdb';
const T0 = Date.parse('2026-12-01T00:00:00Z');

function warnings(): Logger & { lines: Array<{ obj: object; msg?: string }> } {
  const lines: Array<{ obj: object; msg?: string }> = [];
  return { lines, info() {}, debug() {}, error() {}, warn: (obj, msg) => lines.push({ obj, msg }) };
}

const refusingFetcher: Fetcher = {
  fetch: async () => {
    throw new FetchError('address_blocked', 'refused');
  },
};

function options(modules: Record<string, unknown>, logger = warnings()): DidDriverOptions {
  return {
    documents: new DidDocumentCache({
      cache: new MemorySharedCache({ clock: fixedClock(T0) }),
      clock: fixedClock(T0),
      lifetimes: { minTtl: 60, maxTtl: 3600, negativeTtl: 10, staleGrace: 0 },
    }),
    fetcher: refusingFetcher,
    timeoutMs: 200,
    maxBytes: 4096,
    logger,
    importer: async (name) => {
      if (!(name in modules)) throw new Error(`Cannot find package '${name}'`);
      return modules[name];
    },
  };
}

/** A driver package whose one method answers with `answer(did)`, counting calls. */
function fakeDriver(method: string, answer: (did: string) => unknown): { module: unknown; calls: () => number } {
  let calls = 0;
  return {
    module: {
      getResolver: () => ({
        [method]: async (did: string) => {
          calls += 1;
          return answer(did);
        },
      }),
    },
    calls: () => calls,
  };
}

const documentOf = (did: string): unknown => ({ didResolutionMetadata: {}, didDocument: { id: did, verificationMethod: [] }, didDocumentMetadata: {} });

describe('loadDidDrivers with pkh-did-resolver (the published driver, offline)', () => {
  it("adds did:pkh to the method registry, warns naming the driver, and resolves through kparty's checks", async () => {
    const logger = warnings();
    const drivers = await loadDidDrivers(['pkh-did-resolver'], options({ 'pkh-did-resolver': pkhDidResolver }, logger));
    expect(drivers.map((d) => [d.method, d.driver])).toEqual([['pkh', 'pkh-did-resolver']]);
    expect(logger.lines).toEqual([
      { obj: { didDriver: 'pkh-did-resolver', methods: ['did:pkh'] }, msg: expect.stringContaining("bypasses kparty's guarded fetcher") },
    ]);
    const dids = new DidResolver(drivers);
    const resolved = await dids.resolve(PKH);
    expect(resolved).toEqual({
      ok: true,
      document: expect.objectContaining({
        id: PKH,
        verificationMethod: [
          expect.objectContaining({ type: 'EcdsaSecp256k1RecoveryMethod2020', blockchainAccountId: 'eip155:1:0xab16a96d359ec26a11e2c2b3d8f8b8942d5bfcdb' }),
        ],
        assertionMethod: [`${PKH}#blockchainAccountId`],
      }),
    });
    expect(Object.isFrozen(resolved.ok && resolved.document)).toBe(true);
  });

  it('answers did.unresolvable for a did:pkh the driver refuses, with its reason and no internals', async () => {
    const dids = new DidResolver(await loadDidDrivers(['pkh-did-resolver'], options({ 'pkh-did-resolver': pkhDidResolver })));
    await expect(dids.resolve('did:pkh:nochain:1:0xab16')).resolves.toEqual({
      ok: false,
      code: 'did.unresolvable',
      detail: 'did:pkh resolution failed: invalidDid',
      cause: expect.anything(),
    });
  });
});

describe("a driver's answers are held to kparty's document checks", () => {
  it('caches a document: a second resolution does not ask the driver again', async () => {
    const driver = fakeDriver('test', documentOf);
    const dids = new DidResolver(await loadDidDrivers(['fake'], options({ fake: driver.module })));
    await dids.resolve('did:test:a');
    await dids.resolve('did:test:a');
    expect(driver.calls()).toBe(1);
  });

  it.each([
    ['a document for another DID', () => documentOf('did:test:someone-else'), 'the DID document does not describe this DID'],
    ['no document', () => ({ didResolutionMetadata: { error: 'notFound' }, didDocument: null }), 'did:test resolution failed: notFound'],
    [
      'a document too large',
      (did: string) => ({ didResolutionMetadata: {}, didDocument: { id: did, padding: 'x'.repeat(5000) } }),
      'the DID document is too large',
    ],
    [
      'a document nested too deeply',
      (did: string) => {
        let deep: Record<string, unknown> = {};
        const root = { id: did, deep };
        for (let i = 0; i < 40; i++) deep = (deep.next = {}) as Record<string, unknown>;
        return { didResolutionMetadata: {}, didDocument: root };
      },
      'the DID document is nested too deeply',
    ],
    [
      'a throw',
      () => {
        throw new Error('secret internal state at /home/driver');
      },
      'did:test resolution failed',
    ],
  ])('refuses %s (did.unresolvable)', async (_label, answer, detail) => {
    const dids = new DidResolver(await loadDidDrivers(['fake'], options({ fake: fakeDriver('test', answer).module })));
    const resolution = await dids.resolve('did:test:a');
    expect(resolution).toMatchObject({ ok: false, code: 'did.unresolvable', detail });
  });

  it('does not wait for a driver that never answers longer than the fetch timeout', async () => {
    const dids = new DidResolver(await loadDidDrivers(['fake'], options({ fake: fakeDriver('test', () => new Promise(() => {})).module })));
    const started = Date.now();
    await expect(dids.resolve('did:test:a')).resolves.toMatchObject({ ok: false, code: 'did.unresolvable', detail: 'did:test resolution timed out' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('what KPARTY_DID_DRIVERS may load', () => {
  it("keeps did:key, did:jwk and did:web kparty's own, with a warning", async () => {
    const logger = warnings();
    const module = { getResolver: () => ({ key: async () => ({}), web: async () => ({}), test: async () => ({}) }) };
    const drivers = await loadDidDrivers(['greedy'], options({ greedy: module }, logger));
    expect(drivers.map((d) => d.method)).toEqual(['test']);
    expect(logger.lines.map((l) => l.msg)).toEqual([
      expect.stringContaining('kparty keeps its own did:key'),
      expect.stringContaining('kparty keeps its own did:web'),
      expect.stringContaining('DID driver greedy loaded for did:test'),
    ]);
  });

  it.each([
    ['a package that is not installed', ['missing'], {}, 'KPARTY_DID_DRIVERS: cannot load missing'],
    ['a package without getResolver()', ['plain'], { plain: { something: 1 } }, 'plain exports no getResolver()'],
    [
      'a getResolver() that throws',
      ['boom'],
      {
        boom: {
          getResolver: () => {
            throw new Error('needs config');
          },
        },
      },
      "boom's getResolver() failed (needs config)",
    ],
    ['a driver adding nothing', ['empty'], { empty: { getResolver: () => ({ key: async () => ({}) }) } }, 'empty resolves no DID method'],
    [
      'two drivers for one method',
      ['a', 'b'],
      { a: fakeDriver('test', documentOf).module, b: fakeDriver('test', documentOf).module },
      'did:test is resolved by both a and b',
    ],
  ])('refuses %s at start (ConfigError)', async (_label, names, modules, message) => {
    const error = await loadDidDrivers(names, options(modules)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
  });

  it('finds getResolver on a default export too (CommonJS drivers)', async () => {
    const drivers = await loadDidDrivers(['cjs'], options({ cjs: { default: fakeDriver('test', documentOf).module } }));
    expect(drivers.map((d) => d.method)).toEqual(['test']);
  });
});

describe('guardedFetch (handed to drivers)', () => {
  it('goes through the guarded fetcher and answers a Response', async () => {
    const seen: string[] = [];
    const fetcher: Fetcher = {
      fetch: async (request) => (
        seen.push(request.url),
        { url: request.url, status: 200, headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"ok":true}') }
      ),
    };
    const response = await guardedFetch(fetcher)('https://node.example.com/rpc');
    expect(seen).toEqual(['https://node.example.com/rpc']);
    await expect(response.json()).resolves.toEqual({ ok: true });
  });

  it('refuses what the guarded fetcher refuses, and any method but GET', async () => {
    await expect(guardedFetch(refusingFetcher)('http://169.254.169.254/latest')).rejects.toBeInstanceOf(FetchError);
    await expect(guardedFetch(refusingFetcher)('https://node.example.com/rpc', { method: 'POST' })).rejects.toThrow('only makes GET requests');
  });
});
