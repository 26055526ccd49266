import type { CredentialQuery, PresentationPolicy } from '../../core/model/policy.js';
import type { ParsedCredential } from '../../core/model/presentation.js';
import { emailCredential } from './__fixtures__/email-credential.js';
import { employeeCredential } from './__fixtures__/employee-credential.js';
import { CLOCK } from './__fixtures__/frozen-clock.js';
import { IDENTITY_VCT, identitySdJwtCredential } from './__fixtures__/identity-sd-jwt-credential.js';
import { planAssignment, requirementSets } from './credential-sets.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { QueryAssignment } from './query-assignment.js';

/** Any EmployeeCredential from HR. */
const EMPLOYEE: CredentialQuery = {
  id: 'employee',
  format: 'jwt_vc_json',
  meta: { type_values: [['EmployeeCredential']] },
  trustedIssuers: ['did:web:hr.example.com'],
};
/** An EmployeeCredential with the admin role. */
const ADMIN: CredentialQuery = { ...EMPLOYEE, id: 'admin', claims: [{ path: ['credentialSubject', 'role'], values: ['admin'] }] };
/** The identity SD-JWT VC. */
const PID: CredentialQuery = { id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: [IDENTITY_VCT] }, trustedIssuers: ['did:web:pid.example.eu'] };
/** A verified email address. */
const EMAIL: CredentialQuery = {
  id: 'email',
  format: 'vc+jwt',
  meta: { type_values: [['EmailCredential']] },
  claims: [{ path: ['credentialSubject', 'email'] }],
  trustedIssuers: ['did:web:*.example.org'],
};

function policyOf(credentials: CredentialQuery[], credentialSets?: PresentationPolicy['credential_sets']): PresentationPolicy {
  return { id: 'sets', audience: 'https://rp.example.com', credentials, ...(credentialSets ? { credential_sets: credentialSets } : {}) };
}

function evaluate(policy: PresentationPolicy, credentials: ParsedCredential[]) {
  return evaluatePolicy(policy, credentials, CLOCK);
}

const admin = (path: string) => employeeCredential({ path, subject: { role: 'admin', email: 'alice@example.com' } });
const staff = (path: string) => employeeCredential({ path, subject: { role: 'staff', email: 'bob@example.com' } });

describe('QueryAssignment', () => {
  it('moves a credential to another query when that frees one for the next query (greedy would fail)', () => {
    // Query 0 accepts credentials 0 and 1; query 1 only credential 0.
    const assignment = new QueryAssignment([[0, 1], [0]], 2);
    expect(assignment.assign(0)).toBe(true);
    expect(assignment.credentialOf(0)).toBe(0);
    expect(assignment.assign(1)).toBe(true);
    expect([assignment.credentialOf(0), assignment.credentialOf(1)]).toEqual([1, 0]);
  });

  it('never gives one credential to two queries', () => {
    const assignment = new QueryAssignment([[0], [0]], 1);
    expect(assignment.assign(0)).toBe(true);
    expect(assignment.assign(1)).toBe(false);
    expect(assignment.credentialOf(0)).toBe(0);
  });

  it('assignAll changes nothing when it cannot assign them all', () => {
    const assignment = new QueryAssignment([[0], [0], [1]], 2);
    expect(assignment.assignAll([2, 0, 1])).toBe(false);
    expect([0, 1, 2].map((q) => assignment.credentialOf(q))).toEqual([undefined, undefined, undefined]);
  });
});

describe('credential assignment in evaluatePolicy', () => {
  it('finds the assignment a greedy first-come choice would miss', () => {
    const result = evaluate(policyOf([EMPLOYEE, ADMIN]), [admin('credentials[0]'), staff('credentials[1]')]);
    expect(result).toMatchObject({ satisfied: true, failures: [] });
    expect(result.matches.admin?.path).toBe('credentials[0]');
    expect(result.matches.employee?.path).toBe('credentials[1]');
  });

  it('does not let one credential answer two queries', () => {
    const result = evaluate(policyOf([EMPLOYEE, ADMIN]), [admin('credentials[0]')]);
    expect(result.satisfied).toBe(false);
    expect(result.failures).toEqual([
      {
        code: 'policy.unsatisfied',
        path: 'presentation',
        detail:
          'credential query "admin" is not satisfied: the credentials that match it (credentials[0]) answer other credential queries, and each credential answers one query only',
      },
    ]);
  });

  it('reports every query of a policy without credential_sets that is not satisfied', () => {
    const result = evaluate(policyOf([PID, EMPLOYEE, EMAIL]), [employeeCredential({ issuer: 'did:web:evil.org' })]);
    expect(result.failures.map((f) => `${f.code}: ${f.detail}`)).toEqual([
      'policy.unsatisfied: credential query "pid" is not satisfied: no credential of format dc+sd-jwt was presented',
      'credential.issuer_untrusted: credential query "employee": issuer "did:web:evil.org" is not trusted',
      'policy.unsatisfied: credential query "employee" is not satisfied',
      'policy.unsatisfied: credential query "email" is not satisfied: no credential of format vc+jwt was presented',
    ]);
  });
});

describe('credential_sets (OpenID4VP 1.0 §6.2)', () => {
  const eitherPidOrEmployee = policyOf([PID, EMPLOYEE], [{ options: [['pid'], ['employee']] }]);

  it('is satisfied by any option of a required set', () => {
    expect(evaluate(eitherPidOrEmployee, [employeeCredential()])).toMatchObject({ satisfied: true, failures: [] });
    expect(evaluate(eitherPidOrEmployee, [identitySdJwtCredential()])).toMatchObject({ satisfied: true, failures: [] });
  });

  it('answers every query it can, so both alternatives are matched when both are sent', () => {
    const result = evaluate(eitherPidOrEmployee, [identitySdJwtCredential('credentials[0]'), employeeCredential({ path: 'credentials[1]' })]);
    expect(Object.keys(result.matches)).toEqual(['pid', 'employee']);
  });

  it('reports every query of every option, then the set, when a required set is not met', () => {
    const result = evaluate(eitherPidOrEmployee, [employeeCredential({ issuer: 'did:web:evil.org' })]);
    expect(result.satisfied).toBe(false);
    expect(result.failures).toEqual([
      {
        code: 'policy.unsatisfied',
        path: 'presentation',
        detail: 'credential query "pid" is not satisfied: no credential of format dc+sd-jwt was presented',
      },
      { code: 'credential.issuer_untrusted', path: 'credentials[0]', detail: 'credential query "employee": issuer "did:web:evil.org" is not trusted' },
      { code: 'policy.unsatisfied', path: 'presentation', detail: 'credential query "employee" is not satisfied' },
      {
        code: 'policy.unsatisfied',
        path: 'presentation',
        detail: 'credential set 0 is not satisfied: no option has all its credential queries answered (["pid"] or ["employee"])',
      },
    ]);
  });

  describe('an optional set', () => {
    const employeeAndMaybeEmail = policyOf([EMPLOYEE, EMAIL], [{ options: [['employee']] }, { options: [['email']], required: false }]);
    employeeAndMaybeEmail.session = { claims: { email: ['email', 'credentialSubject', 'email'] } };

    it('need not be met, and its failing candidates are not reported', () => {
      const brokenEmail = { ...emailCredential('credentials[1]'), issuer: 'did:web:evil.org' };
      const result = evaluate(employeeAndMaybeEmail, [employeeCredential(), brokenEmail]);
      expect(result).toMatchObject({ satisfied: true, failures: [], sessionClaims: {} });
      expect(Object.keys(result.matches)).toEqual(['employee']);
    });

    it('is used when met: its credential is matched, disclosed and mapped', () => {
      const email = emailCredential('credentials[1]');
      const result = evaluate(employeeAndMaybeEmail, [employeeCredential(), email]);
      expect(result.matches.email).toBe(email);
      expect(result.sessionClaims).toEqual({ email: 'alice@example.com' });
      expect(result.disclosedClaims.get(email)).toEqual({ credentialSubject: { email: 'alice@example.com' } });
    });
  });

  it('an option needs all of its queries; only the unanswered one is reported', () => {
    const policy = policyOf([EMPLOYEE, EMAIL], [{ options: [['employee', 'email']] }]);
    const result = evaluate(policy, [employeeCredential()]);
    expect(result.satisfied).toBe(false);
    expect(result.failures.map((f) => f.detail)).toEqual([
      'credential query "email" is not satisfied: no credential of format vc+jwt was presented',
      'credential set 0 is not satisfied: no option has all its credential queries answered (["employee","email"])',
    ]);
    expect(Object.keys(result.matches)).toEqual(['employee']);
  });

  it('backtracks: a later set can make an earlier set take its second option', () => {
    // Set 0 prefers `admin`, but the only EmployeeCredential is needed by set 1's `employee`.
    const policy = policyOf([ADMIN, PID, EMPLOYEE], [{ options: [['admin'], ['pid']] }, { options: [['employee']] }]);
    const employee = admin('credentials[0]');
    const pid = identitySdJwtCredential('credentials[1]');
    const result = evaluate(policy, [employee, pid]);
    expect(result).toMatchObject({ satisfied: true, failures: [] });
    expect(result.matches).toEqual({ pid, employee });
  });

  it('one query named by several sets is answered once for all of them', () => {
    const policy = policyOf([EMPLOYEE, PID], [{ options: [['employee']] }, { options: [['pid'], ['employee']] }]);
    expect(evaluate(policy, [employeeCredential()])).toMatchObject({ satisfied: true, failures: [] });
  });

  it('an option naming an unknown query id can never be met (fail closed)', () => {
    const policy = policyOf([EMPLOYEE], [{ options: [['nope']] }]);
    expect(evaluate(policy, [employeeCredential()]).failures).toEqual([
      {
        code: 'policy.unsatisfied',
        path: 'presentation',
        detail: 'credential set 0 is not satisfied: no option has all its credential queries answered (["nope"])',
      },
    ]);
  });

  it('gives up a pathological search quickly and fails closed', () => {
    // 20 interchangeable queries, 19 credentials; 19 sets of 20 single-query options, and a set that needs all 20 queries.
    const queries = Array.from({ length: 20 }, (_, i): CredentialQuery => ({ ...EMPLOYEE, id: `q${i}` }));
    const ids = queries.map((q) => q.id);
    const sets = [...Array.from({ length: 19 }, () => ({ options: ids.map((id) => [id]) })), { options: [ids] }];
    const credentials = Array.from({ length: 19 }, (_, i) => employeeCredential({ path: `credentials[${i}]` }));
    const started = Date.now();
    const result = evaluate(policyOf(queries, sets), credentials);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.satisfied).toBe(false);
    expect(result.failures.at(-1)?.detail).toMatch(/^credential set 19 is not satisfied/);
    // The query left over names at most five of the credentials it competed for.
    expect(result.failures.at(-2)?.detail).toBe(
      'credential query "q19" is not satisfied: the credentials that match it (credentials[0], credentials[1], credentials[2], credentials[3], credentials[4], …) answer other credential queries, and each credential answers one query only',
    );
  });
});

describe('planAssignment', () => {
  it('lists the required sets it cannot meet, and assigns optional queries afterwards', () => {
    const policy = policyOf([EMPLOYEE, PID, EMAIL], [{ options: [['pid']] }, { options: [['email']], required: false }, { options: [['employee']] }]);
    const sets = requirementSets(policy);
    const plan = planAssignment(sets, [[0], [], [1]], 2);
    expect(plan.unsatisfied.map((set) => set.index)).toEqual([0]);
    expect([0, 1, 2].map((q) => plan.assignment.credentialOf(q))).toEqual([0, undefined, 1]);
  });

  it('without credential_sets, every query is a required set of its own', () => {
    expect(requirementSets(policyOf([EMPLOYEE, PID]))).toEqual([
      { index: undefined, options: [[0]], required: true },
      { index: undefined, options: [[1]], required: true },
    ]);
  });
});
