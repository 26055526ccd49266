/**
 * An EmailCredential (W3C VC-DM 2.0 secured with JOSE, `vc+jwt`) for
 * alice@example.com from did:web:mail.example.org, with no issuance time at
 * all (VC-DM 2.0 makes validFrom optional).
 */
import type { ParsedCredential } from '../../../core/model/presentation.js';
import { ALICE } from './employee-credential.js';
import { refAt } from './placement.js';

export function emailCredential(path = 'credentials[1]'): ParsedCredential {
  const types = ['VerifiableCredential', 'EmailCredential'];
  return {
    format: 'vc+jwt',
    ref: refAt(path),
    path,
    issuer: 'did:web:mail.example.org',
    issuerKey: { kind: 'did', did: 'did:web:mail.example.org' },
    subject: ALICE,
    holderBinding: [{ id: ALICE, path }],
    types,
    document: {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: types,
      issuer: 'did:web:mail.example.org',
      credentialSubject: { id: ALICE, email: 'alice@example.com' },
    },
    status: [],
    proof: { compact: 'eyJhbGciOiJFZERTQSJ9.email.signature', alg: 'EdDSA', typ: 'vc+jwt' },
  };
}
