import type { AuditEvent } from '../../core/model/audit-event.js';
import type { Challenge } from '../../core/model/challenge.js';
import type { PresentationPolicy } from '../../core/model/policy.js';
import type { RelyingParty } from '../../core/model/relying-party.js';
import type { SigningKey } from '../../core/model/signing-key.js';

/** Frozen time for the contract: 2025-01-01T00:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1);
/** Times that `list()` of signing keys (which reads the real clock) sees as long past or far ahead. */
export const LONG_AGO = Date.UTC(2000, 0, 1);
export const FAR_FUTURE = Date.UTC(9999, 0, 1);

export function challenge(nonce: string, overrides: Partial<Challenge> = {}): Challenge {
  return { nonce, policyId: 'employee-portal', domain: 'https://orders.example.com', createdAt: T0, expiresAt: T0 + 300_000, ...overrides };
}

/** A policy using every optional member, so a round trip through storage has something to lose. */
export function policy(id: string, audience = 'https://orders.example.com'): PresentationPolicy {
  return {
    id,
    audience,
    credentials: [
      {
        id: 'employee',
        format: 'jwt_vc_json',
        meta: { type_values: [['VerifiableCredential', 'EmployeeCredential']] },
        claims: [{ id: 'role', path: ['credentialSubject', 'role'], values: ['admin', 'staff', 7, true] }, { path: ['credentialSubject', 'emails', null, 0] }],
        trustedIssuers: ['did:web:hr.example.com', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'],
        maxAgeSeconds: 31_536_000,
        status: 'required',
      },
    ],
    credential_sets: [{ options: [['employee']], required: true }],
    holderBinding: 'required',
    session: { ttlSeconds: 300, scope: 'orders:read orders:write', claims: { email: ['employee', 'credentialSubject', 'email'] } },
  };
}

export function relyingParty(id: string, apiKeyHash: string, overrides: Partial<RelyingParty> = {}): RelyingParty {
  return { id, name: `Relying party ${id}`, apiKeyHash, createdAt: T0, audiences: [`https://${id}.example.com`], callbackOrigins: [], ...overrides };
}

/** A P-256 key pair as JWKs (RFC 7517 appendix A.1/A.2 style values; never used to sign). */
export function signingKey(kid: string, overrides: Partial<SigningKey> = {}): SigningKey {
  const publicJwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
  return {
    kid,
    alg: 'ES256',
    privateJwk: { ...publicJwk, d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' },
    publicJwk,
    createdAt: T0,
    activatesAt: T0,
    retiredAt: null,
    expiresAt: null,
    ...overrides,
  };
}

/**
 * An audit event numbered `n`: its id sorts like `n` (zero-padded) and its time
 * is T0 + n seconds, so id order and time order agree as they do for real ids.
 * Every optional member is set, so a round trip through storage has something to lose.
 */
export function auditEvent(n: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: `evt-${String(n).padStart(4, '0')}`,
    time: T0 + n * 1000,
    owner: 'rp-a',
    policyId: 'employee-portal',
    outcome: 'rejected',
    holder: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    format: 'jwt_vp_json',
    codes: ['credential.signature_invalid', 'credential.revoked'],
    credentialIssuers: ['did:web:hr.example.com', 'did:web:ünïcode.example.com:"quoted"'],
    requestId: `req-${n}`,
    ...overrides,
  };
}
