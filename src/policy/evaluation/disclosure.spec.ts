import type { CredentialQuery } from '../../core/model/policy.js';
import type { ParsedCredential } from '../../core/model/presentation.js';
import { emailCredential } from './__fixtures__/email-credential.js';
import { ALICE, employeeCredential } from './__fixtures__/employee-credential.js';
import { identitySdJwtCredential } from './__fixtures__/identity-sd-jwt-credential.js';
import { discloseClaims } from './disclosure.js';

function sdJwtQuery(claims?: CredentialQuery['claims']): CredentialQuery {
  return { id: 'pid', format: 'dc+sd-jwt', trustedIssuers: ['*'], ...(claims ? { claims } : {}) };
}

describe('discloseClaims', () => {
  const identity = identitySdJwtCredential();

  it('discloses only what the claims select, rebuilt from the document root', () => {
    const query: CredentialQuery = {
      id: 'employee',
      format: 'jwt_vc_json',
      trustedIssuers: ['*'],
      claims: [{ path: ['credentialSubject', 'role'] }, { path: ['credentialSubject', 'email'] }],
    };
    expect(discloseClaims(employeeCredential(), query)).toEqual({ credentialSubject: { role: 'staff', email: 'alice@example.com' } });
  });

  it('discloses a selected object whole', () => {
    expect(discloseClaims(identity, sdJwtQuery([{ path: ['address'] }, { path: ['address', 'locality'] }]))).toEqual({
      address: { street_address: '42 Market Street', locality: 'Milliways', postal_code: '12345' },
    });
    expect(discloseClaims(identity, sdJwtQuery([{ path: ['address', 'locality'] }, { path: ['address'] }]))).toEqual({
      address: { street_address: '42 Market Street', locality: 'Milliways', postal_code: '12345' },
    });
  });

  it('rebuilds a wildcard as an array of the selected parts of each element', () => {
    expect(discloseClaims(identity, sdJwtQuery([{ path: ['degrees', null, 'type'] }]))).toEqual({
      degrees: [{ type: 'Bachelor of Science' }, { type: 'Master of Science' }],
    });
  });

  it('merges paths into the same elements', () => {
    const query = sdJwtQuery([{ path: ['degrees', null, 'type'] }, { path: ['degrees', 1, 'university'] }]);
    expect(discloseClaims(identity, query)).toEqual({
      degrees: [{ type: 'Bachelor of Science' }, { type: 'Master of Science', university: 'University of Betelgeuse' }],
    });
  });

  it('rebuilds arrays compact, in document order, without the withheld elements', () => {
    const credential = identitySdJwtCredential('credentials[0]', { nationalities: ['British', 'Betelgeusian', 'Magrathean'] });
    expect(discloseClaims(credential, sdJwtQuery([{ path: ['nationalities', 2] }, { path: ['nationalities', 0] }]))).toEqual({
      nationalities: ['British', 'Magrathean'],
    });
  });

  it('drops wildcard elements that lack the claim', () => {
    const credential = identitySdJwtCredential('credentials[0]', { degrees: [{ type: 'BSc' }, { university: 'Betelgeuse' }, { type: 'MSc' }] });
    expect(discloseClaims(credential, sdJwtQuery([{ path: ['degrees', null, 'type'] }]))).toEqual({ degrees: [{ type: 'BSc' }, { type: 'MSc' }] });
  });

  it('with values, discloses only the accepted values', () => {
    expect(discloseClaims(identity, sdJwtQuery([{ path: ['nationalities', null], values: ['Betelgeusian'] }]))).toEqual({
      nationalities: ['Betelgeusian'],
    });
  });

  it('does not disclose JSON nulls', () => {
    const credential = identitySdJwtCredential('credentials[0]', { middle_name: null });
    expect(discloseClaims(credential, sdJwtQuery([{ path: ['middle_name'] }, { path: ['name'] }]))).toEqual({ name: 'Arthur Dent' });
  });

  it('without claims, discloses a W3C credential’s whole credentialSubject', () => {
    const query: CredentialQuery = { id: 'email', format: 'vc+jwt', trustedIssuers: ['*'] };
    expect(discloseClaims(emailCredential(), query)).toEqual({ credentialSubject: { id: ALICE, email: 'alice@example.com' } });
  });

  it('without claims, discloses nothing of a W3C credential without credentialSubject', () => {
    const credential: ParsedCredential = { ...emailCredential(), document: { type: ['VerifiableCredential'] } };
    expect(discloseClaims(credential, { id: 'email', format: 'vc+jwt', trustedIssuers: ['*'] })).toEqual({});
  });

  it('without claims, discloses an SD-JWT VC’s whole document (what the wallet disclosed)', () => {
    expect(discloseClaims(identity, sdJwtQuery())).toEqual(identity.document);
  });

  it('returns copies: changing the disclosure does not change the credential', () => {
    const disclosed = discloseClaims(identity, sdJwtQuery());
    (disclosed.address as Record<string, unknown>).locality = 'Changed';
    const selected = discloseClaims(identity, sdJwtQuery([{ path: ['address'] }]));
    (selected.address as Record<string, unknown>).locality = 'Changed';
    expect((identity.document.address as Record<string, unknown>).locality).toBe('Milliways');
  });

  it('keeps a credential’s own "__proto__" claim as an own property, leaving the prototype alone', () => {
    const document = JSON.parse('{"vct": "x", "__proto__": {"admin": true}}') as Record<string, unknown>;
    const credential: ParsedCredential = { ...identity, document };
    for (const disclosed of [discloseClaims(credential, sdJwtQuery([{ path: ['__proto__', 'admin'] }])), discloseClaims(credential, sdJwtQuery())]) {
      expect(Object.getPrototypeOf(disclosed)).toBe(Object.prototype);
      expect(Object.hasOwn(disclosed, '__proto__')).toBe(true);
      expect((disclosed as { admin?: unknown }).admin).toBeUndefined();
      expect(JSON.stringify(disclosed)).toContain('"__proto__":{"admin":true}');
    }
  });
});
