import type { PresentationPolicy } from '../../core/model/policy.js';
import { employeeCredential } from './__fixtures__/employee-credential.js';
import { CLOCK } from './__fixtures__/frozen-clock.js';
import { IDENTITY_VCT, identitySdJwtCredential } from './__fixtures__/identity-sd-jwt-credential.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { mapSessionClaims } from './session-claims.js';

describe('mapSessionClaims', () => {
  const identity = identitySdJwtCredential();
  const matches = { pid: identity };

  it('maps a path that selects one value to that value', () => {
    expect(mapSessionClaims({ name: ['pid', 'name'], city: ['pid', 'address', 'locality'] }, matches)).toEqual({
      name: 'Arthur Dent',
      city: 'Milliways',
    });
  });

  it('maps a whole object', () => {
    expect(mapSessionClaims({ address: ['pid', 'address'] }, matches)).toEqual({
      address: { street_address: '42 Market Street', locality: 'Milliways', postal_code: '12345' },
    });
  });

  it('maps an array index to that element', () => {
    expect(mapSessionClaims({ second: ['pid', 'nationalities', 1] }, matches)).toEqual({ second: 'Betelgeusian' });
  });

  it('maps a wildcard path to an array of every selected value', () => {
    expect(mapSessionClaims({ degrees: ['pid', 'degrees', null, 'type'] }, matches)).toEqual({
      degrees: ['Bachelor of Science', 'Master of Science'],
    });
  });

  it('maps a wildcard path to an array even when it selects one value', () => {
    const single = identitySdJwtCredential('credentials[0]', { nationalities: ['British'] });
    expect(mapSessionClaims({ nationalities: ['pid', 'nationalities', null] }, { pid: single })).toEqual({ nationalities: ['British'] });
  });

  it('omits a claim the credential lacks, and a claim that is JSON null', () => {
    const withNull = identitySdJwtCredential('credentials[0]', { middle_name: null, aliases: [null, 'Art'] });
    expect(
      mapSessionClaims(
        { missing: ['pid', 'birthdate'], middle: ['pid', 'middle_name'], aliases: ['pid', 'aliases', null], name: ['pid', 'name'] },
        { pid: withNull },
      ),
    ).toEqual({ aliases: ['Art'], name: 'Arthur Dent' });
  });

  it('omits a claim from a query no credential answered', () => {
    expect(mapSessionClaims({ email: ['email', 'credentialSubject', 'email'] }, matches)).toEqual({});
  });

  it('does not look up query ids on the prototype', () => {
    expect(mapSessionClaims({ c: ['constructor', 'name'], t: ['toString', 'name'] }, matches)).toEqual({});
  });

  it('returns copies: changing a claim does not change the credential', () => {
    const claims = mapSessionClaims({ address: ['pid', 'address'] }, matches);
    (claims.address as Record<string, unknown>).locality = 'Changed';
    expect((identity.document.address as Record<string, unknown>).locality).toBe('Milliways');
  });

  it('maps nothing without a mapping', () => {
    expect(mapSessionClaims(undefined, matches)).toEqual({});
  });

  it('is what evaluatePolicy returns for a satisfied policy', () => {
    const policy: PresentationPolicy = {
      id: 'p',
      audience: 'https://rp.example.com',
      credentials: [
        { id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: [IDENTITY_VCT] }, claims: [{ path: ['name'] }], trustedIssuers: ['*'] },
        { id: 'employee', format: 'jwt_vc_json', trustedIssuers: ['did:web:*.example.com'] },
      ],
      session: { claims: { name: ['pid', 'name'], role: ['employee', 'credentialSubject', 'role'], email: ['employee', 'credentialSubject', 'email'] } },
    };
    const result = evaluatePolicy(policy, [identitySdJwtCredential(), employeeCredential({ path: 'credentials[1]', subject: { role: 'staff' } })], CLOCK);
    expect(result.sessionClaims).toEqual({ name: 'Arthur Dent', role: 'staff' });
  });
});
