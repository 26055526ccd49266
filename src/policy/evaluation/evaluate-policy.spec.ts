import type { CheckFailure } from '../../core/model/check.js';
import type { CredentialQuery, PresentationPolicy } from '../../core/model/policy.js';
import type { ParsedCredential } from '../../core/model/presentation.js';
import { emailCredential } from './__fixtures__/email-credential.js';
import { employeeCredential } from './__fixtures__/employee-credential.js';
import { employeePortalPolicy, KEY_ISSUER } from './__fixtures__/employee-portal-policy.js';
import { CLOCK, NOW_MS, secondsAgo } from './__fixtures__/frozen-clock.js';
import { IDENTITY_VCT, identitySdJwtCredential } from './__fixtures__/identity-sd-jwt-credential.js';
import { evaluatePolicy } from './evaluate-policy.js';

function evaluate(policy: PresentationPolicy, credentials: ParsedCredential[]) {
  return evaluatePolicy(policy, credentials, CLOCK);
}

/** The docs/api.md example policy with its one query changed. */
function employeePolicyWith(change: Partial<CredentialQuery>): PresentationPolicy {
  const policy = employeePortalPolicy();
  policy.credentials[0] = { ...(policy.credentials[0] as CredentialQuery), ...change };
  return policy;
}

const UNSATISFIED: CheckFailure = { code: 'policy.unsatisfied', path: 'presentation', detail: 'credential query "employee" is not satisfied' };

describe('evaluatePolicy', () => {
  it('accepts the example of docs/api.md "Presentation policies" with a matching credential', () => {
    const credential = employeeCredential();
    const result = evaluate(employeePortalPolicy(), [credential]);
    expect(result.satisfied).toBe(true);
    expect(result.failures).toEqual([]);
    expect(result.matches).toEqual({ employee: credential });
    expect(result.matches.employee).toBe(credential);
    expect(result.sessionClaims).toEqual({ email: 'alice@example.com' });
    expect(result.disclosedClaims.get(credential)).toEqual({ credentialSubject: { role: 'staff', email: 'alice@example.com' } });
  });

  it('accepts either trusted issuer of the example', () => {
    expect(evaluate(employeePortalPolicy(), [employeeCredential({ issuer: KEY_ISSUER })]).satisfied).toBe(true);
  });

  describe('each failure code, at the credential’s path', () => {
    it('credential.type_mismatch: type_values', () => {
      const credential = employeeCredential({ path: 'credentials[2]', types: ['VerifiableCredential', 'ContractorCredential'] });
      expect(evaluate(employeePortalPolicy(), [credential]).failures).toEqual([
        {
          code: 'credential.type_mismatch',
          path: 'credentials[2]',
          detail: 'credential query "employee": type ["VerifiableCredential","ContractorCredential"] does not include every type of ["EmployeeCredential"]',
        },
        UNSATISFIED,
      ]);
    });

    it('credential.type_mismatch: type_values alternatives, one of which must be met in full', () => {
      const policy = employeePolicyWith({ meta: { type_values: [['EmployeeCredential', 'ManagerCredential'], ['BoardCredential']] } });
      expect(evaluate(policy, [employeeCredential()]).failures[0]).toEqual({
        code: 'credential.type_mismatch',
        path: 'credentials[0]',
        detail:
          'credential query "employee": type ["VerifiableCredential","EmployeeCredential"] does not include every type of one of [["EmployeeCredential","ManagerCredential"],["BoardCredential"]]',
      });
      const manager = employeeCredential({ types: ['VerifiableCredential', 'EmployeeCredential', 'ManagerCredential'] });
      expect(evaluate(policy, [manager]).satisfied).toBe(true);
    });

    it('credential.type_mismatch: vct_values', () => {
      const policy: PresentationPolicy = {
        id: 'pid',
        audience: 'https://rp.example.com',
        credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: ['https://example.eu/pid'] }, trustedIssuers: ['*'] }],
      };
      expect(evaluate(policy, [identitySdJwtCredential('credentials[0]')]).failures).toEqual([
        {
          code: 'credential.type_mismatch',
          path: 'credentials[0]',
          detail: `credential query "pid": vct "${IDENTITY_VCT}" is not one of ["https://example.eu/pid"]`,
        },
        { code: 'policy.unsatisfied', path: 'presentation', detail: 'credential query "pid" is not satisfied' },
      ]);
      const accepting = structuredClone(policy);
      (accepting.credentials[0] as CredentialQuery).meta = { vct_values: ['https://example.eu/pid', IDENTITY_VCT] };
      expect(evaluate(accepting, [identitySdJwtCredential()]).satisfied).toBe(true);
    });

    it('credential.issuer_untrusted', () => {
      const credential = employeeCredential({ issuer: 'did:web:hr.example.com.evil.org' });
      expect(evaluate(employeePortalPolicy(), [credential]).failures).toEqual([
        {
          code: 'credential.issuer_untrusted',
          path: 'credentials[0]',
          detail: 'credential query "employee": issuer "did:web:hr.example.com.evil.org" is not trusted',
        },
        UNSATISFIED,
      ]);
    });

    it('credential.claim_missing', () => {
      const credential = employeeCredential({ subject: { role: 'staff' } });
      expect(evaluate(employeePortalPolicy(), [credential]).failures).toEqual([
        { code: 'credential.claim_missing', path: 'credentials[0]', detail: 'credential query "employee": claim ["credentialSubject","email"] is missing' },
        UNSATISFIED,
      ]);
    });

    it('credential.claim_missing for a claim that is JSON null', () => {
      const credential = employeeCredential({ subject: { role: 'staff', email: null } });
      expect(evaluate(employeePortalPolicy(), [credential]).failures[0]?.code).toBe('credential.claim_missing');
    });

    it('credential.claim_value, without echoing the credential’s value', () => {
      const credential = employeeCredential({ subject: { role: 'contractor', email: 'alice@example.com' } });
      const { failures } = evaluate(employeePortalPolicy(), [credential]);
      expect(failures).toEqual([
        {
          code: 'credential.claim_value',
          path: 'credentials[0]',
          detail: 'credential query "employee": claim ["credentialSubject","role"] has none of the accepted values ["admin","staff"]',
        },
        UNSATISFIED,
      ]);
      expect(JSON.stringify(failures)).not.toContain('contractor');
    });

    it('credential.claim_value compares type as well as value', () => {
      const policy = employeePolicyWith({ claims: [{ path: ['credentialSubject', 'level'], values: [3, true] }] });
      expect(evaluate(policy, [employeeCredential({ subject: { level: '3' } })]).failures[0]?.code).toBe('credential.claim_value');
      expect(evaluate(policy, [employeeCredential({ subject: { level: 1 } })]).failures[0]?.code).toBe('credential.claim_value');
      expect(evaluate(policy, [employeeCredential({ subject: { level: 3 } })]).satisfied).toBe(true);
      expect(evaluate(policy, [employeeCredential({ subject: { level: true } })]).satisfied).toBe(true);
    });

    it('credential.claim_value: one accepted value among those a wildcard selects is enough', () => {
      const policy = employeePolicyWith({ claims: [{ path: ['credentialSubject', 'roles', null], values: ['admin'] }] });
      expect(evaluate(policy, [employeeCredential({ subject: { roles: ['staff', 'admin'] } })]).satisfied).toBe(true);
      expect(evaluate(policy, [employeeCredential({ subject: { roles: ['staff'] } })]).failures[0]?.code).toBe('credential.claim_value');
    });

    it('credential.too_old', () => {
      const credential = employeeCredential({ issuedAt: secondsAgo(31536000 + 61) });
      expect(evaluate(employeePortalPolicy(), [credential]).failures).toEqual([
        {
          code: 'credential.too_old',
          path: 'credentials[0]',
          detail: `credential query "employee": issued at ${new Date(NOW_MS - (31536000 + 61) * 1000).toISOString()}, more than the maximum age of 31536000 s ago`,
        },
        UNSATISFIED,
      ]);
    });

    it('credential.too_old tolerates the clock skew, and no more', () => {
      expect(evaluate(employeePortalPolicy(), [employeeCredential({ issuedAt: secondsAgo(31536000 + 60) })]).satisfied).toBe(true);
      expect(evaluate(employeePortalPolicy(), [employeeCredential({ issuedAt: secondsAgo(31536000 + 60.5) })]).satisfied).toBe(false);
      const noSkew = evaluatePolicy(employeePortalPolicy(), [employeeCredential({ issuedAt: secondsAgo(31536000 + 1) })], { ...CLOCK, clockSkewSeconds: 0 });
      expect(noSkew.failures[0]?.code).toBe('credential.too_old');
    });

    it('credential.too_old falls back to notBefore when there is no issuance time', () => {
      const fresh = employeeCredential({ issuedAt: undefined, notBefore: secondsAgo(10) });
      const stale = employeeCredential({ issuedAt: undefined, notBefore: secondsAgo(40000000) });
      expect(evaluate(employeePortalPolicy(), [fresh]).satisfied).toBe(true);
      expect(evaluate(employeePortalPolicy(), [stale]).failures[0]?.code).toBe('credential.too_old');
    });

    it('credential.too_old when the issuance time is unknown (fail closed)', () => {
      const credential = employeeCredential({ issuedAt: undefined });
      expect(evaluate(employeePortalPolicy(), [credential]).failures).toEqual([
        {
          code: 'credential.too_old',
          path: 'credentials[0]',
          detail:
            'credential query "employee": issuance time is unknown (no iat, nbf, issuanceDate or validFrom), so the maximum age of 31536000 s cannot be checked',
        },
        UNSATISFIED,
      ]);
    });

    it('an unknown issuance time is fine without maxAgeSeconds', () => {
      const policy = employeePolicyWith({ maxAgeSeconds: undefined });
      expect(evaluate(policy, [employeeCredential({ issuedAt: undefined })]).satisfied).toBe(true);
    });

    it('policy.unsatisfied names the format when no credential of it was presented', () => {
      expect(evaluate(employeePortalPolicy(), [identitySdJwtCredential('credentials[0]'), emailCredential('credentials[1]')]).failures).toEqual([
        {
          code: 'policy.unsatisfied',
          path: 'presentation',
          detail: 'credential query "employee" is not satisfied: no credential of format jwt_vc_json was presented',
        },
      ]);
      expect(evaluate(employeePortalPolicy(), []).failures).toHaveLength(1);
    });
  });

  it('reports every failure of one credential, in rule order', () => {
    const credential = employeeCredential({
      issuer: 'did:web:evil.org',
      types: ['VerifiableCredential'],
      issuedAt: secondsAgo(40000000),
      subject: { role: 'guest' },
    });
    const result = evaluate(employeePortalPolicy(), [credential]);
    expect(result.satisfied).toBe(false);
    expect(result.failures.map((f) => `${f.code} ${f.path}`)).toEqual([
      'credential.type_mismatch credentials[0]',
      'credential.issuer_untrusted credentials[0]',
      'credential.claim_value credentials[0]',
      'credential.claim_missing credentials[0]',
      'credential.too_old credentials[0]',
      'policy.unsatisfied presentation',
    ]);
  });

  it('reports the failures of every candidate when none matches', () => {
    const wrongRole = employeeCredential({ path: 'credentials[0]', subject: { role: 'guest', email: 'alice@example.com' } });
    const untrusted = employeeCredential({ path: 'credentials[1]', issuer: 'did:web:evilexample.com' });
    expect(evaluate(employeePortalPolicy(), [wrongRole, emailCredential('credentials[2]'), untrusted]).failures).toEqual([
      expect.objectContaining({ code: 'credential.claim_value', path: 'credentials[0]' }),
      expect.objectContaining({ code: 'credential.issuer_untrusted', path: 'credentials[1]' }),
      UNSATISFIED,
    ]);
  });

  it('reports nothing about other candidates once one matches', () => {
    const untrusted = employeeCredential({ path: 'credentials[0]', issuer: 'did:web:evil.org' });
    const good = employeeCredential({ path: 'credentials[1]' });
    const result = evaluate(employeePortalPolicy(), [untrusted, good]);
    expect(result).toMatchObject({ satisfied: true, failures: [] });
    expect(result.matches.employee).toBe(good);
  });

  it('ignores credentials no query asks for', () => {
    const good = employeeCredential();
    const result = evaluate(employeePortalPolicy(), [identitySdJwtCredential('credentials[1]'), good, emailCredential('credentials[2]')]);
    expect(result).toMatchObject({ satisfied: true, failures: [] });
    expect([...result.disclosedClaims.keys()]).toEqual([good]);
  });

  it('discloses nothing and maps no session claims when not satisfied', () => {
    const result = evaluate(employeePortalPolicy(), [employeeCredential({ subject: { role: 'guest', email: 'alice@example.com' } })]);
    expect(result.satisfied).toBe(false);
    expect(result.sessionClaims).toEqual({});
    expect(result.disclosedClaims.size).toBe(0);
  });

  it('treats a credential query id of "__proto__" as an ordinary key', () => {
    const policy = employeePolicyWith({ id: '__proto__' });
    policy.session = { claims: { email: ['__proto__', 'credentialSubject', 'email'] } };
    const credential = employeeCredential();
    const result = evaluate(policy, [credential]);
    expect(result.satisfied).toBe(true);
    expect(Object.hasOwn(result.matches, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(result.matches)).toBe(Object.prototype);
    expect(result.sessionClaims).toEqual({ email: 'alice@example.com' });
  });

  it('a claims path naming a prototype property finds nothing', () => {
    const policy = employeePolicyWith({ claims: [{ path: ['credentialSubject', 'constructor'] }] });
    expect(evaluate(policy, [employeeCredential()]).failures[0]?.code).toBe('credential.claim_missing');
  });

  it('quotes and shortens an attacker-chosen issuer in the detail', () => {
    const issuer = `did:web:${'a'.repeat(5000)}.evil.org"`;
    const detail = evaluate(employeePortalPolicy(), [employeeCredential({ issuer })]).failures[0]?.detail ?? '';
    expect(detail.length).toBeLessThan(200);
    expect(detail).toContain('did:web:aaaa');
  });
});
