import { readdirSync } from 'node:fs';
import { jsonPointer, loadSchema, MAX_EXHAUSTIVE_NODES, MAX_REPORTED_VIOLATIONS, validateWith } from './json-schema.js';

const SCHEMA_FILES = readdirSync(new URL('../../schemas/', import.meta.url)).filter((f) => f.endsWith('.schema.json'));

describe('the schemas in schemas/', () => {
  it.each(SCHEMA_FILES)('%s compiles in strict mode and has an $id and a description on every property', (file) => {
    const name = file.replace(/\.schema\.json$/, '');
    const schema = loadSchema(name);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`https://kparty.dev/schemas/${file}`);
    expect(() => validateWith(name, {})).not.toThrow();
    expect(undocumentedProperties(schema)).toEqual([]);
  });

  it('has no $ref, so each schema embeds as one OpenAPI component', () => {
    for (const file of SCHEMA_FILES) expect(JSON.stringify(loadSchema(file.replace(/\.schema\.json$/, '')))).not.toContain('"$ref"');
  });

  it('hands out a fresh copy of a schema each time', () => {
    const first = loadSchema('challenge-request');
    first.title = 'changed';
    expect(loadSchema('challenge-request').title).toBe('ChallengeRequest');
  });

  it('refuses schema names that could leave the schemas folder, and unknown schemas', () => {
    expect(() => validateWith('../package', {})).toThrow(/invalid schema name/);
    expect(() => loadSchema('no-such-schema')).toThrow();
  });
});

describe('validateWith', () => {
  it('returns no violations for a valid value', () => {
    expect(validateWith('challenge-request', { policy: 'employee-portal' })).toEqual([]);
    expect(validateWith('relying-party-request', { id: 'orders-app', name: 'Orders', audiences: ['https://orders.example.com'] })).toEqual([]);
  });

  it('reports a missing property at its own path, with the code the caller passes', () => {
    expect(validateWith('challenge-request', {}, 'request.invalid')).toEqual([
      { code: 'request.invalid', path: '/policy', detail: 'missing required property "policy"' },
    ]);
    expect(validateWith('challenge-request', {}, 'policy.invalid')[0]?.code).toBe('policy.invalid');
  });

  it('defaults the code to request.invalid', () => {
    expect(validateWith('challenge-request', [])[0]).toEqual({ code: 'request.invalid', path: '', detail: 'must be an object' });
  });

  it('reports an unknown property at its path and suggests the property probably meant', () => {
    expect(validateWith('relying-party-request', { id: 'rp', name: 'RP', audiences: ['https://rp.example.com'], Nme: 'x' })).toEqual([
      { code: 'request.invalid', path: '/Nme', detail: 'unknown property "Nme" (did you mean "name"?)' },
    ]);
    expect(validateWith('relying-party-request', { id: 'rp', name: 'RP', audiences: ['https://rp.example.com'], colour: 'x' })[0]?.detail).toBe(
      'unknown property "colour"',
    );
  });

  it('reports every violation at once', () => {
    const violations = validateWith('relying-party-request', { id: 'Bad Id', name: '', extra: 1 });
    expect(violations.map((v) => v.path)).toEqual(['/audiences', '/extra', '/id', '/name']);
    expect(violations.find((v) => v.path === '/name')?.detail).toBe('must not be empty');
    expect(violations.find((v) => v.path === '/id')?.detail).toBe(
      "must be 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
    );
  });

  it('escapes property names in paths as JSON pointers (RFC 6901)', () => {
    expect(validateWith('challenge-request', { policy: 'p', 'a/b~c': 1 })[0]?.path).toBe('/a~1b~0c');
  });

  it('collapses anyOf branches into one message built from the branch titles', () => {
    const policy = { id: 'p', audience: 'a', credentials: [{ id: 'c', format: 'jwt_vc_json', trustedIssuers: ['issuer.example.com'] }] };
    expect(validateWith('presentation-policy', policy, 'policy.invalid')).toEqual([
      {
        code: 'policy.invalid',
        path: '/credentials/0/trustedIssuers/0',
        detail:
          'must be an exact DID (did:<method>:<method-specific-id>), or a did:web domain pattern (did:web:*.example.com), or "*" (any issuer), or an issuer URL (https://issuer.example.com), or an X.509 certificate hash (x509_hash:<base64url>), or pinned issuer keys ({"id", "jwks"})',
      },
    ]);
  });

  it('words enum, type and range violations for people', () => {
    const policy = {
      id: 'p',
      audience: 'a',
      credentials: [{ id: 'c', format: 'jwt_vc_json', trustedIssuers: ['*'], status: 'mandatory', maxAgeSeconds: 0 }],
      session: { ttlSeconds: '300' },
    };
    expect(validateWith('presentation-policy', policy, 'policy.invalid')).toEqual([
      { code: 'policy.invalid', path: '/credentials/0/maxAgeSeconds', detail: 'must be >= 1' },
      { code: 'policy.invalid', path: '/credentials/0/status', detail: 'must be one of: required, optional, ignore' },
      { code: 'policy.invalid', path: '/session/ttlSeconds', detail: 'must be an integer' },
    ]);
  });

  it('reports an invalid property name at the name, once', () => {
    const policy = {
      id: 'p',
      audience: 'a',
      credentials: [{ id: 'c', format: 'ldp_vc', trustedIssuers: ['*'] }],
      session: { claims: { 'bad name': ['c', 'x'] } },
    };
    expect(validateWith('presentation-policy', policy, 'policy.invalid')).toEqual([
      { code: 'policy.invalid', path: '/session/claims/bad name', detail: 'must not contain whitespace or control characters' },
    ]);
  });

  it('words a failed pattern with the x-pattern-message beside it', () => {
    expect(validateWith('challenge-request', { policy: '../etc' })).toEqual([
      { code: 'request.invalid', path: '/policy', detail: "must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit" },
    ]);
  });

  it('lists at most MAX_REPORTED_VIOLATIONS violations, then says how many more there were', () => {
    const junk = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`junk${i}`, i]));
    const violations = validateWith('challenge-request', { policy: 'p', ...junk });
    expect(violations).toHaveLength(MAX_REPORTED_VIOLATIONS + 1);
    expect(violations.at(-1)).toEqual({ code: 'request.invalid', path: '', detail: '400 more violations not listed' });
  });

  it('lists only the first violation of a value too large to list every one, and accepts a large valid value', () => {
    const large = Array.from({ length: MAX_EXHAUSTIVE_NODES }, (_, i) => i);
    expect(validateWith('challenge-request', { policy: 'p', a: large, b: large })).toEqual([
      { code: 'request.invalid', path: '/a', detail: 'unknown property "a"' },
      {
        code: 'request.invalid',
        path: '',
        detail: `only the first violation is listed: the value is too large (over ${MAX_EXHAUSTIVE_NODES} JSON values) to list every one`,
      },
    ]);
    const policy = {
      id: 'p',
      audience: 'a',
      credentials: [{ id: 'c', format: 'ldp_vc', trustedIssuers: ['*'], claims: [{ path: ['x'], values: large.slice(0, 100) }] }],
    };
    const manyCredentials = {
      ...policy,
      credentials: Array.from({ length: 20 }, (_, i) => ({
        ...policy.credentials[0],
        id: `c${i}`,
        claims: Array.from({ length: 100 }, () => policy.credentials[0]?.claims[0]),
      })),
    };
    expect(validateWith('presentation-policy', manyCredentials)).toEqual([]);
  });

  it('does not echo huge property names back in full', () => {
    const name = 'x'.repeat(100_000);
    const [violation] = validateWith('challenge-request', { policy: 'p', [name]: 1 });
    expect(violation?.path?.length).toBeLessThan(200);
    expect(violation?.detail?.length).toBeLessThan(200);
  });

  it('never throws on values that are not JSON data', () => {
    const throwing = Object.defineProperty({}, 'policy', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(validateWith('challenge-request', throwing)).toEqual([{ code: 'request.invalid', path: '', detail: 'must be JSON data' }]);
    for (const value of [undefined, null, 42, 'text', [], () => 1, Symbol('s'), 10n]) {
      expect(validateWith('challenge-request', value).length).toBeGreaterThan(0);
    }
  });
});

describe('jsonPointer', () => {
  it('escapes ~ and / and keeps indexes', () => {
    expect(jsonPointer(['session', 'claims', 'a/b~c', 0])).toBe('/session/claims/a~1b~0c/0');
    expect(jsonPointer([])).toBe('');
  });
});

/** JSON pointers of properties (and propertyNames/additionalProperties schemas) without a description. */
function undocumentedProperties(schema: unknown, at = ''): string[] {
  if (!schema || typeof schema !== 'object') return [];
  if (Array.isArray(schema)) return schema.flatMap((s, i) => undocumentedProperties(s, `${at}/${i}`));
  const node = schema as Record<string, unknown>;
  const missing: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'examples' || key === 'enum' || key === 'const' || key === 'default') continue;
    const path = `${at}/${key}`;
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, sub] of Object.entries(value)) {
        if (typeof (sub as { description?: unknown }).description !== 'string') missing.push(`${path}/${name}`);
      }
    }
    if ((key === 'items' || key === 'additionalProperties' || key === 'propertyNames') && value && typeof value === 'object') {
      if (typeof (value as { description?: unknown }).description !== 'string') missing.push(path);
    }
    missing.push(...undocumentedProperties(value, path));
  }
  return missing;
}
