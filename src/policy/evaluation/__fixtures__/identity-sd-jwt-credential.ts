/**
 * An SD-JWT VC (`dc+sd-jwt`) identity credential of Arthur Dent with every
 * claim disclosed: the credential of OpenID4VP 1.0 §7.4's claims path pointer
 * example (name, address, two degrees, two nationalities), issued by
 * did:web:pid.example.eu one day before the frozen now.
 */
import type { ParsedCredential } from '../../../core/model/presentation.js';
import { secondsAgo } from './frozen-clock.js';
import { refAt } from './placement.js';

export const IDENTITY_VCT = 'https://credentials.example.com/identity_credential';

export function identitySdJwtCredential(path = 'credentials[0]', claims: Record<string, unknown> = {}): ParsedCredential {
  const issuedAt = secondsAgo(86400);
  return {
    format: 'dc+sd-jwt',
    ref: refAt(path),
    path,
    issuer: 'did:web:pid.example.eu',
    issuerKey: { kind: 'did', did: 'did:web:pid.example.eu' },
    holderBinding: [{ id: 'urn:ietf:params:oauth:jwk-thumbprint:sha-256:identity-holder', path: `${path}.cnf` }],
    types: [IDENTITY_VCT],
    document: {
      iss: 'did:web:pid.example.eu',
      vct: IDENTITY_VCT,
      iat: issuedAt,
      cnf: { jwk: { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate' } },
      name: 'Arthur Dent',
      address: { street_address: '42 Market Street', locality: 'Milliways', postal_code: '12345' },
      degrees: [
        { type: 'Bachelor of Science', university: 'University of Betelgeuse' },
        { type: 'Master of Science', university: 'University of Betelgeuse' },
      ],
      nationalities: ['British', 'Betelgeusian'],
      ...claims,
    },
    issuedAt,
    status: [],
    proof: { compact: 'eyJhbGciOiJFUzI1NiJ9.identity.signature', alg: 'ES256', typ: 'dc+sd-jwt' },
  };
}
