import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { PROBLEM_CODES, problemKind, type ProblemCode } from '../../src/core/errors.js';
import { OAUTH_ENDPOINTS } from '../../src/api/oauth-errors.js';
import { startKparty, type RunningKparty } from './harness.js';

/**
 * Issue 16 item 3: the OpenAPI document kparty serves is valid OpenAPI 3.1 and
 * useful to a newcomer. Everything here is checked on whatever the running
 * service serves, so endpoints added later are held to the same rules.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const TAG_ORDER = ['wallet', 'relying party', 'sessions', 'operations'];

let kparty: RunningKparty;
let document: Json;

beforeAll(async () => {
  kparty = await startKparty();
  const reply = await kparty.request('GET', '/docs/openapi.json');
  expect(reply.status).toBe(200);
  document = reply.body;
});
afterAll(() => kparty?.stop());

function operations(): Array<{ path: string; method: string; op: Json; name: string }> {
  return Object.entries(document.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op: op as Json, name: `${method.toUpperCase()} ${path}` })),
  );
}

/** Follows a local `$ref` ('#/components/...'); throws when it points nowhere. */
function resolveRef(ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`non-local $ref ${ref}`);
  let node: unknown = document;
  for (const part of ref.slice(2).split('/')) {
    node = (node as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return node as Json;
}

function* refs(node: unknown): Generator<string> {
  if (Array.isArray(node)) for (const item of node) yield* refs(item);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') yield value;
      else yield* refs(value);
    }
  }
}

describe('GET /docs/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it('has unique operationIds, declared path parameters and only resolvable $refs', () => {
    const ids = operations().map(({ op }) => op.operationId as string);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const { path, op, name } of operations()) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = ((op.parameters ?? []) as Json[])
        .map((p) => (p.$ref ? resolveRef(p.$ref) : p))
        .filter((p) => p.in === 'path')
        .map((p) => p.name as string)
        .sort();
      expect({ name, declared }).toEqual({ name, declared: templated });
    }
    for (const ref of refs(document)) expect(() => resolveRef(ref)).not.toThrow();
  });

  it('keeps every operation of a path with several methods', () => {
    const names = operations().map((o) => o.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /v1/admin/policies/{id}',
        'PUT /v1/admin/policies/{id}',
        'DELETE /v1/admin/policies/{id}',
        'GET /v1/admin/policies',
        'GET /v1/auth/check',
      ]),
    );
  });

  it('lists one Envoy ext_authz operation', () => {
    const envoy = operations().filter(({ path }) => path.startsWith('/v1/auth/check/envoy'));
    expect(envoy.map((e) => e.name)).toEqual(['GET /v1/auth/check/envoy']);
    expect(envoy[0]?.op.description).toMatch(/every HTTP method/);
  });

  it('orders tags wallet → relying party → sessions → operations, and every operation has one of them', () => {
    expect((document.tags as Json[]).map((t) => t.name)).toEqual(TAG_ORDER);
    for (const tag of document.tags as Json[]) expect(tag.description).toEqual(expect.any(String));
    const ranks = operations().map(({ op, name }) => {
      expect({ name, tags: op.tags }).toEqual({ name, tags: [expect.any(String)] });
      const rank = TAG_ORDER.indexOf(op.tags[0]);
      expect({ name, rank: rank >= 0 }).toEqual({ name, rank: true });
      return rank;
    });
    // Paths come in tag order, so viewers that list by path read in the same order.
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(operations()[0]?.name).toBe('POST /v1/challenges');
  });

  it('gives every operation a summary and a description', () => {
    for (const { op, name } of operations()) {
      expect({ name, summary: typeof op.summary === 'string' && op.summary.trim().length > 3 }).toEqual({ name, summary: true });
      expect({ name, description: typeof op.description === 'string' && op.description.trim().length > 10 }).toEqual({ name, description: true });
    }
  });

  it('shows for every error status examples whose code that status really carries', () => {
    let checked = 0;
    for (const { path, op, name } of operations()) {
      const oauth = OAUTH_ENDPOINTS.has(path);
      for (const [statusText, response] of Object.entries((op.responses ?? {}) as Json)) {
        const status = Number(statusText);
        if (status < 400) continue;
        const content = (response as Json).content as Json | undefined;
        const mediaType = oauth ? 'application/json' : 'application/problem+json';
        expect({ name, status, mediaTypes: Object.keys(content ?? {}) }).toEqual({ name, status, mediaTypes: [mediaType] });
        const examples = Object.values((content?.[mediaType]?.examples ?? {}) as Json).map((e) => (e as Json).value as Json);
        expect({ name, status, examples: examples.length > 0 }).toEqual({ name, status, examples: true });
        for (const example of examples) {
          expect(PROBLEM_CODES).toContain(example.code);
          const kindStatus = problemKind(example.code as ProblemCode).status;
          // OAuth endpoints answer a rejected presentation with 400 (RFC 6749 §5.2).
          expect({ name, code: example.code, status: example.status }).toEqual({ name, code: example.code, status });
          expect([kindStatus, oauth && kindStatus === 422 ? 400 : kindStatus]).toContain(status);
          expect(example.type).toBe(`urn:kparty:problem:${example.code}`);
          expect(example.title).toBe(problemKind(example.code as ProblemCode).title);
          if (oauth) expect(example.error).toEqual(expect.any(String));
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('shows a real example for every success response with a body, valid against its schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajvFormats.default(ajv);
    ajv.addSchema({ $id: 'kparty-openapi', components: document.components }, 'kparty-openapi');
    let checked = 0;
    for (const { op, name } of operations()) {
      for (const [statusText, response] of Object.entries((op.responses ?? {}) as Json)) {
        const status = Number(statusText);
        if (status >= 300 || status === 204) continue;
        for (const [mediaType, media] of Object.entries(((response as Json).content ?? {}) as Json)) {
          const example = (media as Json).example ?? Object.values(((media as Json).examples ?? {}) as Json)[0]?.value;
          expect({ name, status, mediaType, example: example !== undefined }).toEqual({ name, status, mediaType, example: true });
          expect(JSON.stringify(example)).not.toContain('additionalProp');
          const schema = JSON.parse(JSON.stringify((media as Json).schema ?? {}).replace(/"#\/components\//g, '"kparty-openapi#/components/'));
          const validate = ajv.compile(schema);
          const valid = validate(example);
          expect({ name, status, errors: valid ? [] : validate.errors }).toEqual({ name, status, errors: [] });
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('keeps the Swagger UI at /docs', async () => {
    const ui = await kparty.request('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});
