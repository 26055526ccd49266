/** A valid policy in the shape of docs/api.md "Presentation policies", named for what it asks: one employee credential. */
export function employeePolicy(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    audience: 'https://orders.example.com',
    credentials: [
      {
        id: 'employee',
        format: 'jwt_vc_json',
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'role'], values: ['admin', 'staff'] }, { path: ['credentialSubject', 'email'] }],
        trustedIssuers: ['did:web:hr.example.com'],
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
    ...overrides,
  };
}
