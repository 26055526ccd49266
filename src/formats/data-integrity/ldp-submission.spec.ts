import { fixedClock } from '../../core/clock.js';
import type { PresentationPolicy } from '../../core/model/policy.js';
import { DidResolver } from '../../did/did-resolver.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import { createStatusCheckers } from '../../status/index.js';
import { MemoryNonceStore } from '../../storage/memory/memory-nonce-store.js';
import { fromVpToken } from '../../verification/submission.js';
import type { VerificationDependencies } from '../../verification/verification-context.js';
import { verifySubmission } from '../../verification/verify-submission.js';
import { FakeFetcher } from '../../../test/support/status-lists.js';
import { credentialDocument, diKey, issueCredential, signPresentation, type DiKey } from '../../../test/support/data-integrity.js';
import { FormatRegistry } from '../format-registry.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from './document-caps.js';
import { JsonLdContextSet } from './json-ld-contexts.js';
import { dataIntegrityHandler } from './ldp-format.js';

/**
 * ldp_vp through the whole checks table under an OpenID4VP 1.0 binding (the
 * request's nonce and client_id, never read from the presentation): the Data
 * Integrity proof's `challenge` must be the nonce and its `domain` the client_id.
 */
const CLIENT_ID = 'x509_hash:Uy7fWz-CLKcDzDtBfQYbLEwBfdD2O8HBpU8wDzEBOpo';
const NOW = Date.now();
const contexts = JsonLdContextSet.bundled();
const dids = new DidResolver([new DidKeyResolver()]);
const deps: VerificationDependencies = {
  formats: new FormatRegistry([dataIntegrityHandler({ contexts, limits: DEFAULT_DATA_INTEGRITY_LIMITS })]),
  dids,
  nonces: new MemoryNonceStore(),
  clock: fixedClock(NOW),
  clockSkewSeconds: 60,
  status: createStatusCheckers(
    { fetcher: new FakeFetcher(), dids },
    { minTtlSeconds: 60, maxTtlSeconds: 3600, staleGraceSeconds: 0, clockSkewSeconds: 60, maxListBytes: 1 << 20 },
  ),
};

let issuer: DiKey;
let holder: DiKey;
let policy: PresentationPolicy;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

beforeAll(async () => {
  issuer = await diKey('P-256');
  holder = await diKey('Ed25519');
  policy = {
    id: 'oid4vp-ldp',
    audience: CLIENT_ID,
    credentials: [
      {
        id: 'employee',
        format: 'ldp_vc',
        meta: { type_values: [['VerifiableCredential']] },
        claims: [{ path: ['credentialSubject', 'name'] }],
        trustedIssuers: [issuer.did],
      },
    ],
    holderBinding: 'required',
  };
});

async function vpToken(nonce: string, domain: string): Promise<Record<string, unknown[]>> {
  const credential = await issueCredential(
    credentialDocument(issuer.did, holder.did, { name: 'Alice' }, { validFrom: iso(NOW - 3600_000) }),
    issuer,
    'ecdsa-rdfc-2019',
    iso(NOW - 60_000),
  );
  return { employee: [await signPresentation([credential], holder, 'eddsa-rdfc-2022', { challenge: nonce, domain, date: iso(NOW - 1000) })] };
}

describe('ldp_vp under an OpenID4VP 1.0 binding (verifySubmission)', () => {
  it('verified when the proof states the request nonce and the full client_id', async () => {
    const result = await verifySubmission(
      policy,
      fromVpToken(await vpToken('n-0S6_WzA2Mj', CLIENT_ID)),
      { kind: 'oid4vp', nonce: 'n-0S6_WzA2Mj', clientId: CLIENT_ID, responseUri: 'https://kparty.example/r' },
      deps,
    );
    expect({ verified: result.verified, subject: result.subject, failures: result.failures }).toEqual({ verified: true, subject: holder.did, failures: [] });
    expect(result.credentials).toEqual([
      expect.objectContaining({ format: 'ldp_vc', issuer: issuer.did, answered: 'employee', claims: { credentialSubject: { name: 'Alice' } } }),
    ]);
  });

  it('another nonce → challenge.unknown; another domain → audience.mismatch', async () => {
    const binding = { kind: 'oid4vp', nonce: 'n-expected', clientId: CLIENT_ID, responseUri: 'https://kparty.example/r' } as const;
    const wrongNonce = await verifySubmission(policy, fromVpToken(await vpToken('n-other', CLIENT_ID)), binding, deps);
    expect(wrongNonce.failures.map((f) => f.code)).toEqual(['challenge.unknown']);
    const wrongDomain = await verifySubmission(policy, fromVpToken(await vpToken('n-expected', 'https://rp.example')), binding, deps);
    expect(wrongDomain.failures.map((f) => f.code)).toEqual(['audience.mismatch']);
  });
});
