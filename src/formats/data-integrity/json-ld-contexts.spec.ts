import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_CONTEXT_PINS, contextHash, JsonLdContextError, JsonLdContextSet } from './json-ld-contexts.js';

const EXAMPLE = 'https://contexts.example/v1';
const exampleContext = { '@context': { name: 'https://schema.org/name' } };

function folder(manifest: unknown, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kparty-contexts-'));
  writeFileSync(join(dir, 'contexts.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('pinned JSON-LD contexts', () => {
  it('bundles exactly the pinned set, each matching its hash', () => {
    const set = JsonLdContextSet.bundled();
    expect(set.urls.sort()).toEqual(Object.keys(BUNDLED_CONTEXT_PINS).sort());
    expect(set.has('https://www.w3.org/ns/credentials/undefined-terms/v2')).toBe(false);
    expect(set.has('https://www.w3.org/ns/credentials/examples/v2')).toBe(false);
  });

  it('the loader answers a copy: a caller mutating it cannot change the set', async () => {
    const set = JsonLdContextSet.bundled();
    const first = await set.loader('https://www.w3.org/ns/credentials/v2');
    (first.document as Record<string, unknown>)['@context'] = { poisoned: true };
    const second = await set.loader('https://www.w3.org/ns/credentials/v2');
    expect(contextHash(second.document)).toBe(BUNDLED_CONTEXT_PINS['https://www.w3.org/ns/credentials/v2']);
  });

  it('adds an operator context pinned by URL → sha256 of its RFC 8785 form', async () => {
    const dir = folder(
      { [EXAMPLE]: { file: 'example.jsonld', sha256: contextHash(exampleContext) } },
      { 'example.jsonld': JSON.stringify(exampleContext, null, 2) },
    );
    const set = await JsonLdContextSet.withFolder(dir);
    expect(set.has(EXAMPLE)).toBe(true);
    await expect(set.loader(EXAMPLE)).resolves.toMatchObject({ documentUrl: EXAMPLE, document: exampleContext });
  });

  it.each([
    ['a hash that does not match', { [EXAMPLE]: { file: 'example.jsonld', sha256: '00'.repeat(32) } }, 'does not match'],
    ['a bundled URL redefined', { 'https://www.w3.org/ns/credentials/v2': { file: 'example.jsonld', sha256: contextHash(exampleContext) } }, 'already defined'],
    ['a file outside the folder', { [EXAMPLE]: { file: '../example.jsonld', sha256: contextHash(exampleContext) } }, 'inside the folder'],
    ['a relative URL', { 'v1.jsonld': { file: 'example.jsonld', sha256: contextHash(exampleContext) } }, 'absolute URL'],
    ['an entry without a hash', { [EXAMPLE]: { file: 'example.jsonld' } }, 'sha256'],
    ['a manifest that is not an object', [], 'must be an object'],
    ['a missing file', { [EXAMPLE]: { file: 'absent.jsonld', sha256: contextHash(exampleContext) } }, 'cannot read'],
  ])('refuses %s', async (_name, manifest, message) => {
    const dir = folder(manifest, { 'example.jsonld': JSON.stringify(exampleContext) });
    await expect(JsonLdContextSet.withFolder(dir)).rejects.toThrow(JsonLdContextError);
    await expect(JsonLdContextSet.withFolder(dir)).rejects.toThrow(message);
  });

  it('refuses an operator context that refers to a context nobody pinned (the set must be closed)', async () => {
    const importing = { '@context': { '@import': 'https://elsewhere.example/ctx', name: 'https://schema.org/name' } };
    const dir = folder({ [EXAMPLE]: { file: 'example.jsonld', sha256: contextHash(importing) } }, { 'example.jsonld': JSON.stringify(importing) });
    await expect(JsonLdContextSet.withFolder(dir)).rejects.toThrow('https://elsewhere.example/ctx');
  });

  it('refuses a folder without a manifest, and a manifest that is not JSON', async () => {
    await expect(JsonLdContextSet.withFolder(mkdtempSync(join(tmpdir(), 'kparty-contexts-')))).rejects.toThrow('contexts.json');
    await expect(JsonLdContextSet.withFolder(folder('{not json'))).rejects.toThrow(JsonLdContextError);
  });
});

describe('resolved contexts are cached per set, never process-wide', () => {
  it('two sets pinning different documents under one URL each expand with their own', async () => {
    const { expandSafely } = await import('./canonicalize.js');
    const url = 'https://contexts.example/shared/v1';
    const first = { '@context': { name: 'https://first.example/name' } };
    const second = { '@context': { name: 'https://second.example/name' } };
    const setOf = (context: unknown) =>
      JsonLdContextSet.withFolder(folder({ [url]: { file: 'c.jsonld', sha256: contextHash(context) } }, { 'c.jsonld': JSON.stringify(context) }));
    const [a, b] = await Promise.all([setOf(first), setOf(second)]);
    const document = { '@context': url, name: 'x' };
    const predicate = (expanded: unknown[]) => Object.keys(expanded[0] as object)[0];
    expect(predicate(await expandSafely(document, a))).toBe('https://first.example/name');
    expect(predicate(await expandSafely(document, b))).toBe('https://second.example/name');
    expect(predicate(await expandSafely(document, a))).toBe('https://first.example/name');
    expect(a.resolvedContexts.size).toBeGreaterThan(0);
  });
});
