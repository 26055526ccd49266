/** The example policy of docs/api.md "Presentation policies": one EmployeeCredential from HR (or a did:key issuer) with an admin or staff role and an email. */
import type { PresentationPolicy } from '../../../core/model/policy.js';

/** The second trusted issuer of the example, a did:key. */
export const KEY_ISSUER = 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH';

export function employeePortalPolicy(): PresentationPolicy {
  return {
    id: 'employee-portal',
    audience: 'https://orders.example.com',
    credentials: [
      {
        id: 'employee',
        format: 'jwt_vc_json',
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'role'], values: ['admin', 'staff'] }, { path: ['credentialSubject', 'email'] }],
        trustedIssuers: ['did:web:hr.example.com', KEY_ISSUER],
        maxAgeSeconds: 31536000,
        status: 'required',
      },
    ],
    holderBinding: 'required',
    session: {
      ttlSeconds: 300,
      scope: 'orders:read orders:write',
      claims: { email: ['employee', 'credentialSubject', 'email'] },
    },
  };
}
