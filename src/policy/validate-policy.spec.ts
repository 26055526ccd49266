import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import type { ErrorEntry } from '../core/errors.js';
import { validatePolicy } from './validate-policy.js';

const LIMITS = { sessionMaxTtl: 3600 };

/** Tests reshape policies freely, into invalid shapes too. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LoosePolicy = Record<string, any>;

const NOT_AN_ISSUER =
  'must be an exact DID (did:<method>:<method-specific-id>), or a did:web domain pattern (did:web:*.example.com), or "*" (any issuer), or an issuer URL (https://issuer.example.com), or an X.509 certificate hash (x509_hash:<base64url>), or pinned issuer keys ({"id", "jwks"})';

/** The example of docs/api.md "Presentation policies", with a real did:key in trustedIssuers. */
function specExample(): LoosePolicy {
  return JSON.parse(readFileSync(new URL('./__fixtures__/valid/employee-portal.json', import.meta.url), 'utf8'));
}

function violationsOf(input: unknown, limits = LIMITS): ErrorEntry[] {
  const result = validatePolicy(input, limits);
  return result.ok ? [] : result.violations;
}

/** Violations as "path: detail" lines, for readable assertions. */
function lines(input: unknown, limits = LIMITS): string[] {
  return violationsOf(input, limits).map((v) => `${v.path}: ${v.detail}`);
}

describe('validatePolicy', () => {
  it('accepts the example of docs/api.md "Presentation policies" and returns it', () => {
    const result = validatePolicy(specExample(), LIMITS);
    expect(result).toEqual({ ok: true, policy: specExample() });
  });

  it('returns a copy: changing the input afterwards does not change the validated policy', () => {
    const input = specExample();
    const result = validatePolicy(input, LIMITS);
    input.credentials[0].trustedIssuers.push('*');
    expect(result.ok && result.policy.credentials[0]?.trustedIssuers).toEqual(['did:web:hr.example.com', expect.any(String)]);
  });

  it('accepts the smallest policy', () => {
    const policy = {
      id: 'p',
      audience: 'a',
      credentials: [{ id: 'c', format: 'ldp_vc', meta: { type_values: [['VerifiableCredential']] }, trustedIssuers: ['*'] }],
    };
    expect(validatePolicy(policy, LIMITS).ok).toBe(true);
  });

  it('requires meta.type_values for W3C formats and meta.vct_values for dc+sd-jwt (OpenID4VP 1.0 Appendix B)', () => {
    const policy = {
      id: 'p',
      audience: 'a',
      credentials: [
        { id: 'w3c', format: 'jwt_vc_json', trustedIssuers: ['*'] },
        { id: 'sd', format: 'dc+sd-jwt', meta: {}, trustedIssuers: ['*'] },
      ],
    };
    const result = validatePolicy(policy, LIMITS);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.violations.map((v) => v.path)).toEqual(['/credentials/0/meta/type_values', '/credentials/1/meta/vct_values']);
  });

  it('codes every violation policy.invalid', () => {
    const violations = violationsOf({ id: '' });
    expect(violations.length).toBeGreaterThan(0);
    expect(new Set(violations.map((v) => v.code))).toEqual(new Set(['policy.invalid']));
  });

  describe('schema violations, each at its path', () => {
    it.each<[string, (p: LoosePolicy) => void, string, { sessionMaxTtl: number }?]>([
      [
        'missing trustedIssuers',
        (p) => delete p.credentials[0].trustedIssuers,
        '/credentials/0/trustedIssuers: is required unless trusted_authorities is given (use ["*"] to accept any issuer)',
      ],
      [
        'misspelled property',
        (p) => (p.credentials[0].trustedIssuer = ['did:web:hr.example.com']),
        '/credentials/0/trustedIssuer: unknown property "trustedIssuer" (did you mean "trustedIssuers"?)',
      ],
      ['shortened property name', (p) => (p.session = { ttl: 60 }), '/session/ttl: unknown property "ttl" (did you mean "ttlSeconds"?)'],
      ['empty trustedIssuers', (p) => (p.credentials[0].trustedIssuers = []), '/credentials/0/trustedIssuers: must have at least 1 item'],
      ['bad policy id', (p) => (p.id = '-leading-dash'), "/id: must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit"],
      ['policy id too long', (p) => (p.id = 'a'.repeat(129)), "/id: must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit"],
      ['empty audience', (p) => (p.audience = ''), '/audience: must not be empty'],
      ['audience too long', (p) => (p.audience = `https://a.example/${'x'.repeat(2048)}`), '/audience: must be at most 2048 characters long'],
      ['no credentials', (p) => ((p.credentials = []), delete p.session), '/credentials: must have at least 1 item'],
      [
        'credential query id',
        (p) => ((p.credentials[0].id = 'emp loyee'), delete p.session),
        "/credentials/0/id: must contain only letters, digits, '_' and '-'",
      ],
      ['unknown format', (p) => (p.credentials[0].format = 'ac_vc'), '/credentials/0/format: must be one of: jwt_vc_json, vc+jwt, dc+sd-jwt, ldp_vc, mso_mdoc'],
      [
        'mso_mdoc without meta.doctype_value',
        (p) => ((p.credentials[0].format = 'mso_mdoc'), delete p.credentials[0].meta),
        '/credentials/0/meta/doctype_value: is required for format mso_mdoc (OpenID4VP 1.0 Appendix B)',
      ],
      ['unknown status', (p) => (p.credentials[0].status = 'mandatory'), '/credentials/0/status: must be one of: required, optional, ignore'],
      ['unknown holderBinding', (p) => (p.holderBinding = 'optional'), '/holderBinding: must be one of: required, none'],
      ['maxAgeSeconds not an integer', (p) => (p.credentials[0].maxAgeSeconds = 1.5), '/credentials/0/maxAgeSeconds: must be an integer'],
      ['maxAgeSeconds zero', (p) => (p.credentials[0].maxAgeSeconds = 0), '/credentials/0/maxAgeSeconds: must be >= 1'],
      ['empty type_values set', (p) => (p.credentials[0].meta.type_values = [[]]), '/credentials/0/meta/type_values/0: must have at least 1 item'],
      ['unknown meta member', (p) => (p.credentials[0].meta.types = ['X']), '/credentials/0/meta/types: unknown property "types"'],
      ['empty claims path', (p) => (p.credentials[0].claims[1].path = []), '/credentials/0/claims/1/path: must have at least 1 item'],
      ['negative path index', (p) => (p.credentials[0].claims[1].path = ['credentialSubject', -1]), '/credentials/0/claims/1/path/1: must be >= 0'],
      [
        'object in path',
        (p) => (p.credentials[0].claims[1].path = ['credentialSubject', {}]),
        '/credentials/0/claims/1/path/1: must be a string or an integer or null',
      ],
      ['empty values', (p) => (p.credentials[0].claims[0].values = []), '/credentials/0/claims/0/values: must have at least 1 item'],
      [
        'object value',
        (p) => (p.credentials[0].claims[0].values = [{ role: 'admin' }]),
        '/credentials/0/claims/0/values/0: must be a string or a number or a boolean',
      ],
      ['issuer neither a DID nor a URL', (p) => (p.credentials[0].trustedIssuers = ['hr.example.com']), `/credentials/0/trustedIssuers/0: ${NOT_AN_ISSUER}`],
      [
        'issuer URL with a query',
        (p) => (p.credentials[0].trustedIssuers = ['https://hr.example.com/?a=1']),
        `/credentials/0/trustedIssuers/0: ${NOT_AN_ISSUER}`,
      ],
      ['x509_hash of the wrong length', (p) => (p.credentials[0].trustedIssuers = ['x509_hash:abc']), `/credentials/0/trustedIssuers/0: ${NOT_AN_ISSUER}`],
      [
        'pinned keys without jwks',
        (p) => (p.credentials[0].trustedIssuers = [{ id: 'https://hr.example.com' }]),
        `/credentials/0/trustedIssuers/0: ${NOT_AN_ISSUER}`,
      ],
      [
        'pinned private key',
        (p) =>
          (p.credentials[0].trustedIssuers = [
            { id: 'https://hr.example.com', jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), d: 'A'.repeat(43) }] } },
          ]),
        '/credentials/0/trustedIssuers/0/jwks/keys/0: the JWK contains private key material',
      ],
      [
        'pinned X25519 key (cannot verify signatures)',
        (p) => (p.credentials[0].trustedIssuers = [{ id: 'https://hr.example.com', jwks: { keys: [{ kty: 'OKP', crv: 'X25519', x: 'A'.repeat(43) }] } }]),
        '/credentials/0/trustedIssuers/0/jwks/keys/0: is not a key kparty can verify signatures with',
      ],
      [
        'trusted_authorities of another type',
        (p) => (p.credentials[0].trusted_authorities = [{ type: 'etsi_tl', values: ['x'] }]),
        '/credentials/0/trusted_authorities/0/type: must be "aki"',
      ],
      [
        'trusted_authorities aki not base64url',
        (p) => (p.credentials[0].trusted_authorities = [{ type: 'aki', values: ['a b'] }]),
        '/credentials/0/trusted_authorities/0/values/0: must be base64url',
      ],
      [
        'issuer DID with fragment',
        (p) => (p.credentials[0].trustedIssuers = ['did:web:hr.example.com#key-1']),
        `/credentials/0/trustedIssuers/0: ${NOT_AN_ISSUER}`,
      ],
      ['wildcard on a TLD', (p) => (p.credentials[0].trustedIssuers = ['did:web:*.com']), `/credentials/0/trustedIssuers/0: ${NOT_AN_ISSUER}`],
      ['wildcard outside did:web', (p) => (p.credentials[0].trustedIssuers = ['did:key:*']), `/credentials/0/trustedIssuers/0: ${NOT_AN_ISSUER}`],
      ['empty credential set options', (p) => (p.credential_sets = [{ options: [] }]), '/credential_sets/0/options: must have at least 1 item'],
      ['credential set without options', (p) => (p.credential_sets = [{ required: true }]), '/credential_sets/0/options: missing required property "options"'],
      ['ttl above a day', (p) => (p.session.ttlSeconds = 86401), '/session/ttlSeconds: must be <= 86400', { sessionMaxTtl: 100_000 }],
      [
        'scope with a double space',
        (p) => (p.session.scope = 'orders:read  orders:write'),
        "/session/scope: must be scope tokens separated by single spaces (RFC 6749 §3.3: printable ASCII except '\"' and '\\')",
      ],
      [
        'scope with a quote',
        (p) => (p.session.scope = 'say"hi"'),
        "/session/scope: must be scope tokens separated by single spaces (RFC 6749 §3.3: printable ASCII except '\"' and '\\')",
      ],
      ['session claim without a path', (p) => (p.session.claims.email = ['employee']), '/session/claims/email: must have at least 2 items'],
      ['session claim query id not a string', (p) => (p.session.claims.email = [0, 'email']), '/session/claims/email/0: must be a string'],
      ['empty scope', (p) => (p.session.scope = ''), '/session/scope: must not be empty'],
    ])('%s', (_name, change, expected, limits = LIMITS) => {
      const policy = specExample();
      change(policy);
      expect(lines(policy, limits)).toEqual([expected]);
    });

    it('accepts issuer URLs, x509_hash identifiers, pinned keys, and trusted_authorities instead of trustedIssuers', () => {
      const policy = specExample();
      policy.credentials[0].trustedIssuers = [
        'https://issuer.example.com/tenant',
        `x509_hash:${'A'.repeat(43)}`,
        { id: 'https://pinned.example.com', jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k1' }] } },
      ];
      expect(lines(policy)).toEqual([]);
      delete policy.credentials[0].trustedIssuers;
      policy.credentials[0].trusted_authorities = [{ type: 'aki', values: ['s9tIpPmhxdiuNkHMEWNpYim8S8Y'] }];
      expect(lines(policy)).toEqual([]);
    });

    it('accepts the did:web pattern, port-encoded DIDs and the explicit "*"', () => {
      for (const issuers of [['did:web:*.example.com'], ['did:web:*.issuers.example.com%3A8443'], ['did:web:localhost%3A8443:issuer'], ['*']]) {
        const policy = specExample();
        policy.credentials[0].trustedIssuers = issuers;
        expect(lines(policy)).toEqual([]);
      }
    });
  });

  describe('rules the schema cannot express', () => {
    it('credential query ids are unique', () => {
      const policy = specExample();
      policy.credentials.push({ ...policy.credentials[0] });
      expect(lines(policy)).toEqual(['/credentials/1/id: duplicate credential query id "employee" (first defined at /credentials/0/id)']);
    });

    it('claim ids are unique within a credential query', () => {
      const policy = specExample();
      policy.credentials[0].claims[0].id = 'x';
      policy.credentials[0].claims[1].id = 'x';
      expect(lines(policy)).toEqual(['/credentials/0/claims/1/id: duplicate claim id "x" (first defined at /credentials/0/claims/0/id)']);
    });

    it('credential_sets name existing credential queries', () => {
      const policy = specExample();
      policy.credential_sets = [{ options: [['employee'], ['employe']] }];
      expect(lines(policy)).toEqual(['/credential_sets/0/options/1/0: unknown credential query id "employe"; the policy defines: "employee"']);
    });

    it('session.claims name existing credential queries', () => {
      const policy = specExample();
      policy.session.claims.email[0] = 'employe';
      expect(lines(policy)).toEqual(['/session/claims/email/0: unknown credential query id "employe"; the policy defines: "employee"']);
    });

    it('"*" must be the only trusted issuer', () => {
      const policy = specExample();
      policy.credentials[0].trustedIssuers = ['did:web:hr.example.com', '*'];
      expect(lines(policy)).toEqual(['/credentials/0/trustedIssuers/1: "*" (any issuer) must be the only entry of trustedIssuers']);
    });

    it('vct_values only with dc+sd-jwt, type_values only with the W3C formats', () => {
      const policy = specExample();
      policy.credentials[0].meta = { type_values: [['EmployeeCredential']], vct_values: ['https://example.com/employee'] };
      expect(lines(policy)).toEqual(['/credentials/0/meta/vct_values: applies only to format dc+sd-jwt, not jwt_vc_json; use type_values']);
      policy.credentials[0].format = 'dc+sd-jwt';
      policy.session.claims.email = ['employee', 'email'];
      expect(lines(policy)).toEqual(['/credentials/0/meta/type_values: applies only to formats jwt_vc_json, vc+jwt, ldp_vc, not dc+sd-jwt; use vct_values']);
    });

    it('session.ttlSeconds does not exceed KPARTY_SESSION_MAX_TTL', () => {
      const policy = specExample();
      policy.session.ttlSeconds = 3600;
      expect(lines(policy, { sessionMaxTtl: 3600 })).toEqual([]);
      expect(lines(policy, { sessionMaxTtl: 600 })).toEqual([
        "/session/ttlSeconds: must not exceed 600, this service's maximum session lifetime (KPARTY_SESSION_MAX_TTL)",
      ]);
    });

    it('session.claims cannot set the claims kparty sets, nor prototype keys', () => {
      const policy = specExample();
      policy.session.claims = JSON.parse('{"sub": ["employee", "credentialSubject", "id"], "__proto__": ["employee", "x"], "a/b": ["employee", "x"]}');
      expect(lines(policy)).toEqual([
        '/session/claims/sub: "sub" is set by kparty and cannot be mapped from a credential',
        '/session/claims/__proto__: "__proto__" is not allowed as a claim name',
      ]);
    });
  });

  it('reports every violation of a policy at once, schema and rules together', () => {
    const policy = specExample();
    policy.id = 'employee portal';
    policy.credentials[0].status = 'mandatory';
    policy.credentials[0].trustedIssuers = ['*', 'did:web:hr.example.com'];
    policy.credentials.push({ id: 'employee', format: 'dc+sd-jwt', meta: { type_values: [['X']] }, trustedIssuers: [] });
    policy.session.ttlSeconds = 7200;
    policy.session.claims.role = ['manager', 'credentialSubject', 'role'];
    policy.extra = true;
    expect(lines(policy).sort()).toEqual(
      [
        '/extra: unknown property "extra"',
        "/id: must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit",
        '/credentials/0/status: must be one of: required, optional, ignore',
        '/credentials/1/trustedIssuers: must have at least 1 item',
        '/credentials/1/id: duplicate credential query id "employee" (first defined at /credentials/0/id)',
        '/credentials/1/meta/type_values: applies only to formats jwt_vc_json, vc+jwt, ldp_vc, not dc+sd-jwt; use vct_values',
        '/credentials/1/meta/vct_values: is required for format dc+sd-jwt (OpenID4VP 1.0 Appendix B)',
        '/credentials/0/trustedIssuers/0: "*" (any issuer) must be the only entry of trustedIssuers',
        "/session/ttlSeconds: must not exceed 3600, this service's maximum session lifetime (KPARTY_SESSION_MAX_TTL)",
        '/session/claims/role/0: unknown credential query id "manager"; the policy defines: "employee"',
      ].sort(),
    );
  });

  describe('hostile input gives violations, never an exception', () => {
    it.each<[string, unknown]>([
      ['undefined', undefined],
      ['null', null],
      ['a number', 42],
      ['a string', 'employee-portal'],
      ['an array', [specExample()]],
      ['a function', () => specExample()],
      ['a BigInt', 10n],
      ['a symbol', Symbol('policy')],
    ])('%s', (_name, input) => {
      const result = validatePolicy(input, LIMITS);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.violations[0]?.path).toBe('');
    });

    it('cyclic objects and throwing getters', () => {
      const cyclic: Record<string, unknown> = specExample();
      cyclic.self = cyclic;
      expect(lines(cyclic)).toEqual([': must be JSON data']);
      const getter = Object.defineProperty(specExample(), 'id', {
        enumerable: true,
        get: () => {
          throw new Error('boom');
        },
      });
      expect(lines(getter)).toEqual([': must be JSON data']);
    });

    it('arrays where objects belong and objects where arrays belong', () => {
      expect(lines({ id: [], audience: {}, credentials: {}, session: [] })).toEqual([
        '/id: must be a string',
        '/audience: must be a string',
        '/credentials: must be an array',
        '/session: must be an object',
      ]);
      expect(lines({ id: 'p', audience: 'a', credentials: [[], null, 'x'] })).toEqual([
        '/credentials/0: must be an object',
        '/credentials/1: must be an object',
        '/credentials/2: must be an object',
      ]);
    });

    it('huge strings', () => {
      const huge = 'x'.repeat(2_000_000);
      const policy = specExample();
      policy.id = huge;
      policy.audience = huge;
      policy.credentials[0].trustedIssuers = [`did:web:${huge}`];
      policy.session.scope = huge;
      policy.session.claims = { [huge]: ['employee', 'x'] };
      const violations = violationsOf(policy);
      expect(violations.map((v) => v.path)).toEqual(expect.arrayContaining(['/id', '/audience', '/credentials/0/trustedIssuers/0', '/session/scope']));
      expect(JSON.stringify(violations).length).toBeLessThan(10_000);
    });

    it('deeply nested junk', () => {
      let deep: unknown = 'bottom';
      for (let i = 0; i < 100_000; i++) deep = { a: [deep] };
      const policy = specExample();
      policy.credentials[0].claims[0].values = [deep];
      expect(violationsOf(policy).length).toBeGreaterThan(0);
      expect(violationsOf(deep).length).toBeGreaterThan(0);
    });

    it('__proto__ keys, from JSON text and from object literals', () => {
      const fromJson = JSON.parse(
        '{"__proto__": {"id": "x"}, "id": "p", "audience": "a", "credentials": [{"id": "c", "format": "ldp_vc", "meta": {"type_values": [["VerifiableCredential"]]}, "trustedIssuers": ["*"], "__proto__": {"status": "ignore"}}]}',
      );
      expect(lines(fromJson)).toEqual(['/__proto__: unknown property "__proto__"', '/credentials/0/__proto__: unknown property "__proto__"']);
      // Properties inherited through a prototype are not the policy's own: they do not satisfy `required`.
      const inherited = Object.create({ id: 'p', audience: 'a', credentials: [{ id: 'c', format: 'ldp_vc', trustedIssuers: ['*'] }] });
      expect(lines(inherited)).toEqual([
        '/id: missing required property "id"',
        '/audience: missing required property "audience"',
        '/credentials: missing required property "credentials"',
      ]);
      expect(({} as Record<string, unknown>).id).toBeUndefined();
    });

    it('a megabyte of credential queries: the first violation, quickly', () => {
      const credentials = Array.from({ length: 20_000 }, () => ({ id: 'same', format: 'nope', trustedIssuers: ['x'] }));
      const started = Date.now();
      const violations = violationsOf({ id: 'p', audience: 'a', credentials });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(violations).toEqual([
        { code: 'policy.invalid', path: '/credentials', detail: 'must have at most 20 items' },
        { code: 'policy.invalid', path: '', detail: expect.stringMatching(/^only the first violation is listed/) },
      ]);
    });

    it('many violations in a policy below the size limit: a bounded list', () => {
      const policy = specExample();
      policy.credentials = Array.from({ length: 300 }, () => ({ id: 'same', format: 'nope', trustedIssuers: ['x'], status: 'no' }));
      const violations = violationsOf(policy);
      expect(violations.length).toBeLessThanOrEqual(202);
      expect(violations.filter((v) => /more violations not listed/.test(v.detail ?? ''))).toHaveLength(2);
    });

    it('any JSON value: a result, never an exception', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const result = validatePolicy(value, LIMITS);
          return result.ok || result.violations.every((v) => v.code === 'policy.invalid' && typeof v.path === 'string');
        }),
        { numRuns: 300 },
      );
    });

    it('policy-shaped random values: a result, never an exception', () => {
      const junk = fc.oneof(fc.jsonValue(), fc.string(), fc.constant('*'), fc.constant('employee'));
      const arbitraryPolicy = fc.record(
        {
          id: junk,
          audience: junk,
          credentials: fc.array(
            fc.record(
              {
                id: junk,
                format: junk,
                meta: fc.record({ type_values: junk, vct_values: junk }, { requiredKeys: [] }),
                claims: junk,
                trustedIssuers: fc.array(junk),
              },
              { requiredKeys: [] },
            ),
          ),
          credential_sets: fc.array(fc.record({ options: fc.array(fc.array(junk)), required: junk }, { requiredKeys: [] })),
          session: fc.record({ ttlSeconds: junk, scope: junk, claims: fc.dictionary(fc.string(), fc.array(junk)) }, { requiredKeys: [] }),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(arbitraryPolicy, (value) => {
          validatePolicy(value, LIMITS);
        }),
        { numRuns: 300 },
      );
    });
  });
});
