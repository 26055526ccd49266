/**
 * Hostile requests to the W3C VC API verifier endpoints (docs/api.md "W3C VC
 * API verifier"): POST /v1/vc-api/credentials/verify and
 * /v1/vc-api/presentations/verify.
 */
import type { HostileEntry, HostileRequest } from '../hostile-entry.js';

const V2 = 'https://www.w3.org/ns/credentials/v2';
const post = (path: string, body: unknown, key?: string): HostileRequest => ({
  method: 'POST',
  url: `/v1/vc-api/${path}`,
  body,
  ...(key !== undefined ? { key } : {}),
});
const credential = (issuer: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@context': [V2],
  type: ['VerifiableCredential'],
  issuer,
  credentialSubject: { id: 'did:example:holder' },
  proof: {
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-rdfc-2022',
    verificationMethod: `${issuer}#key`,
    proofPurpose: 'assertionMethod',
    proofValue: 'z3FXQ',
  },
  ...extra,
});
const invalid = { status: 400, code: 'request.invalid' };

export const vcApiEntries: HostileEntry[] = [
  {
    name: 'vc-api credential: no key',
    request: (c) => post('credentials/verify', { verifiableCredential: credential(c.issuer.did) }),
    expect: { status: 401, code: 'auth.unauthorized' },
  },
  {
    name: 'vc-api credential: wrong key',
    request: (c) => post('credentials/verify', { verifiableCredential: credential(c.issuer.did) }, 'kpk_wrong'),
    expect: { status: 401, code: 'auth.unauthorized' },
  },
  { name: 'vc-api credential: empty body', request: (c) => post('credentials/verify', {}, c.rpKey), expect: invalid },
  { name: 'vc-api credential: credential a string', request: (c) => post('credentials/verify', { verifiableCredential: 'eyJ.a.b' }, c.rpKey), expect: invalid },
  {
    name: 'vc-api credential: an option asking for remote contexts (ignored)',
    request: (c) => post('credentials/verify', { verifiableCredential: credential(c.issuer.did), options: { fetchRemoteContexts: true } }, c.rpKey),
    expect: { status: 422, code: 'credential.rejected' },
  },
  {
    name: 'vc-api credential: credential an array',
    request: (c) => post('credentials/verify', { verifiableCredential: [credential(c.issuer.did)] }, c.rpKey),
    expect: invalid,
  },
  {
    name: 'vc-api credential: body of 1.5 MiB',
    request: (c) => ({
      method: 'POST',
      url: '/v1/vc-api/credentials/verify',
      key: c.rpKey,
      raw: JSON.stringify({ verifiableCredential: { pad: 'x'.repeat(1_500_000) } }),
      headers: { 'content-type': 'application/json' },
    }),
    expect: { status: 413, code: 'request.too_large' },
  },
  {
    name: 'vc-api credential: a forged proofValue',
    request: (c) => post('credentials/verify', { verifiableCredential: credential(c.issuer.did) }, c.rpKey),
    expect: { status: 422, code: 'credential.rejected' },
  },
  {
    name: 'vc-api credential: no proof',
    request: (c) => post('credentials/verify', { verifiableCredential: credential(c.issuer.did, { proof: undefined }) }, c.rpKey),
    expect: { status: 422, code: 'credential.rejected' },
  },
  {
    name: 'vc-api credential: remote @context',
    request: (c) =>
      post('credentials/verify', { verifiableCredential: credential(c.issuer.did, { '@context': [V2, 'http://127.0.0.1:1/context.jsonld'] }) }, c.rpKey),
    expect: { status: 422, code: 'credential.rejected' },
  },
  {
    name: 'vc-api credential: unknown cryptosuite',
    request: (c) =>
      post(
        'credentials/verify',
        {
          verifiableCredential: credential(c.issuer.did, {
            proof: {
              type: 'DataIntegrityProof',
              cryptosuite: 'rot13-2025',
              verificationMethod: `${c.issuer.did}#k`,
              proofPurpose: 'assertionMethod',
              proofValue: 'z1',
            },
          }),
        },
        c.rpKey,
      ),
    expect: { status: 422, code: 'credential.rejected' },
  },
  {
    name: 'vc-api credential: issuer a did:web on a private address',
    request: (c) => post('credentials/verify', { verifiableCredential: credential('did:web:169.254.169.254') }, c.rpKey),
    expect: { status: 422, code: 'credential.rejected' },
  },
  { name: 'vc-api presentation: empty body', request: (c) => post('presentations/verify', {}, c.rpKey), expect: invalid },
  {
    name: 'vc-api presentation: presentation an array',
    request: (c) => post('presentations/verify', { verifiablePresentation: [] }, c.rpKey),
    expect: invalid,
  },
  {
    name: 'vc-api presentation: challenge of 10 KB',
    request: (c) =>
      post(
        'presentations/verify',
        { verifiablePresentation: { '@context': [V2], type: ['VerifiablePresentation'] }, options: { challenge: 'c'.repeat(10_000) } },
        c.rpKey,
      ),
    expect: invalid,
  },
  {
    name: 'vc-api presentation: unproven presentation',
    request: (c) =>
      post(
        'presentations/verify',
        { verifiablePresentation: { '@context': [V2], type: ['VerifiablePresentation'], verifiableCredential: [credential(c.issuer.did)] } },
        c.rpKey,
      ),
    expect: { status: 422, code: 'presentation.rejected' },
  },
  {
    name: 'vc-api presentation: 1000 credentials',
    request: (c) =>
      post(
        'presentations/verify',
        {
          verifiablePresentation: {
            '@context': [V2],
            type: ['VerifiablePresentation'],
            verifiableCredential: Array.from({ length: 1000 }, () => credential(c.issuer.did)),
          },
        },
        c.rpKey,
      ),
    expect: { status: 422, code: 'presentation.rejected' },
  },
];
