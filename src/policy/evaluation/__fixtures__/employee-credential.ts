/**
 * An EmployeeCredential (W3C VC-DM 1.1 as JWT, `jwt_vc_json`) issued by
 * did:web:hr.example.com to Alice, a staff member, issued 30 days before the
 * frozen now: the credential the example policy of docs/api.md "Presentation policies" asks for.
 */
import type { ParsedCredential } from '../../../core/model/presentation.js';
import { secondsAgo } from './frozen-clock.js';
import { refAt } from './placement.js';

export const ALICE = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

export interface EmployeeCredentialOptions {
  path?: string;
  issuer?: string;
  types?: string[];
  issuedAt?: number;
  notBefore?: number;
  /** Replaces credentialSubject's claims (its `id` stays Alice). */
  subject?: Record<string, unknown>;
}

export function employeeCredential(options: EmployeeCredentialOptions = {}): ParsedCredential {
  const issuer = options.issuer ?? 'did:web:hr.example.com';
  const types = options.types ?? ['VerifiableCredential', 'EmployeeCredential'];
  const issuedAt = 'issuedAt' in options ? options.issuedAt : secondsAgo(30 * 86400);
  const credentialSubject = { id: ALICE, ...(options.subject ?? { role: 'staff', email: 'alice@example.com' }) };
  const path = options.path ?? 'credentials[0]';
  return {
    format: 'jwt_vc_json',
    ref: refAt(path),
    path,
    issuer,
    issuerKey: { kind: 'did', did: issuer },
    subject: ALICE,
    holderBinding: [{ id: ALICE, path }],
    types,
    document: {
      '@context': ['https://www.w3.org/2018/credentials/v1'],
      type: types,
      issuer,
      ...(issuedAt === undefined ? {} : { issuanceDate: new Date(issuedAt * 1000).toISOString() }),
      credentialSubject,
    },
    ...(issuedAt === undefined ? {} : { issuedAt }),
    ...(options.notBefore === undefined ? {} : { notBefore: options.notBefore }),
    status: [],
    proof: { compact: 'eyJhbGciOiJFUzI1NiJ9.employee.signature', alg: 'ES256', kid: `${issuer}#key-1` },
  };
}
