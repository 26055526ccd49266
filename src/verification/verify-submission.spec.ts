import { beforeEach, describe, expect, it } from '@jest/globals';
import { fixedClock } from '../core/clock.js';
import type { Challenge } from '../core/model/challenge.js';
import type { CredentialQuery, PresentationPolicy } from '../core/model/policy.js';
import type { NonceStore } from '../core/ports/nonce-store.js';
import { DidResolver } from '../did/did-resolver.js';
import { DidKeyResolver } from '../did/methods/key.js';
import { FormatRegistry } from '../formats/format-registry.js';
import { MemoryNonceStore } from '../storage/memory/memory-nonce-store.js';
import { StatusCheckerRegistry, type StatusChecker } from '../status/index.js';
import { TOY_FORMAT, toyCredential, toyFormat, toyPresentation, type ToyCredentialInput, type ToyKeys } from './__fixtures__/toy-format.js';
import { fromVpToken, singlePresentation, type Submission, type SubmissionBinding } from './submission.js';
import type { VerificationDependencies } from './verification-context.js';
import type { VerificationResult } from './verification-result.js';
import { VERIFICATION_CHECKS, verifySubmission } from './verify-submission.js';

const NOW = Date.UTC(2030, 0, 1);
const NOW_S = NOW / 1000;
const AUDIENCE = 'https://rp.example';
const KEYS: ToyKeys = { 'toy:alice': 'alice-secret', 'toy:bob': 'bob-secret', 'toy:issuer': 'issuer-secret', 'toy:other-issuer': 'other-secret' };

/** A nonce store that counts consumptions (the challenge must be consumed once per submission). */
class CountingNonceStore implements NonceStore {
  readonly inner = new MemoryNonceStore();
  consumed = 0;
  issue(challenge: Challenge): Promise<void> {
    return this.inner.issue(challenge);
  }
  consume(nonce: string, now: number): Promise<Challenge | null> {
    this.consumed += 1;
    return this.inner.consume(nonce, now);
  }
  purgeExpired(now: number): Promise<number> {
    return this.inner.purgeExpired(now);
  }
}

/** A status mechanism of the toy: `{ type: 'ToyStatus', revoked }`. */
const toyStatus: StatusChecker = {
  mechanism: 'ToyStatus',
  supports: (entry) => (entry as { type?: unknown }).type === 'ToyStatus',
  check: async ({ entry }) => ((entry as { revoked?: boolean }).revoked ? { state: 'revoked', detail: 'revoked by the toy issuer' } : { state: 'valid' }),
};

let nonces: CountingNonceStore;
let deps: VerificationDependencies;

beforeEach(() => {
  nonces = new CountingNonceStore();
  deps = {
    formats: new FormatRegistry([toyFormat(KEYS)]),
    dids: new DidResolver([new DidKeyResolver()]),
    nonces,
    clock: fixedClock(NOW),
    clockSkewSeconds: 60,
    status: new StatusCheckerRegistry([toyStatus]),
  };
});

function query(id: string, overrides: Partial<CredentialQuery> = {}): CredentialQuery {
  return { id, format: TOY_FORMAT, meta: { toy_types: ['Membership'] } as CredentialQuery['meta'], trustedIssuers: ['toy:issuer'], ...overrides };
}

function policy(overrides: Partial<PresentationPolicy> = {}): PresentationPolicy {
  return {
    id: 'club',
    audience: AUDIENCE,
    credentials: [query('membership', { claims: [{ path: ['level'], values: ['gold', 'silver'] }] })],
    session: { claims: { level: ['membership', 'level'] } },
    ...overrides,
  };
}

async function challenge(nonce = 'n-1', policyId = 'club'): Promise<string> {
  await nonces.issue({ nonce, policyId, domain: AUDIENCE, createdAt: NOW, expiresAt: NOW + 300_000 });
  return nonce;
}

const membership = (overrides: Partial<ToyCredentialInput> = {}): ToyCredentialInput =>
  toyCredential(KEYS, { issuer: 'toy:issuer', subject: 'toy:alice', type: 'Membership', claims: { level: 'gold', name: 'Alice' }, ...overrides });

const codes = (result: VerificationResult): Array<[string, string]> => result.failures.map((f) => [f.code, f.path]);

function verify(submission: Submission, rules: PresentationPolicy = policy(), binding: SubmissionBinding = { kind: 'challenge' }): Promise<VerificationResult> {
  return verifySubmission(rules, submission, binding, deps);
}

describe('a format registered in a test runs through the whole checks table', () => {
  it('accepts a toy presentation: holder proof, issuer proof, status, binding, policy, claims, subject', async () => {
    const nonce = await challenge();
    const vp = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership({ status: { type: 'ToyStatus' } })] });
    const result = await verify(singlePresentation(vp));
    expect(codes(result)).toEqual([]);
    expect(result).toMatchObject({ verified: true, subject: 'toy:alice', sessionClaims: { level: 'gold' }, errorsOmitted: 0 });
    expect(result.credentials).toEqual([
      expect.objectContaining({ format: TOY_FORMAT, issuer: 'toy:issuer', valid: true, answered: 'membership', status: 'valid', claims: { level: 'gold' } }),
    ]);
    expect(result.presentations).toEqual([{ index: 0, path: 'presentation', format: 'toy_vp', holder: 'toy:alice', holderProofValid: true }]);
    expect(VERIFICATION_CHECKS.map((c) => c.name)).toEqual([
      'parse',
      'challenge',
      'audience',
      'resolve DIDs',
      'signatures',
      'validity period',
      'status',
      'holder binding',
      'policy',
      'session subject',
    ]);
  });

  it('returns an immutable result', async () => {
    const nonce = await challenge();
    const result = await verify(singlePresentation(toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership()] })));
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.credentials[0]?.claims)).toBe(true);
    expect(() => (result.failures as unknown[]).push({})).toThrow(TypeError);
  });

  it('lists a failure of every check the toy fails, each credential failure carrying its reference', async () => {
    const nonce = await challenge();
    const expired = membership({ exp: NOW_S - 3600, claims: { level: 'bronze' } });
    const tampered = { ...membership(), claims: { level: 'gold', name: 'Mallory' } };
    const revoked = membership({ status: { type: 'ToyStatus', revoked: true } });
    const aboutBob = membership({ subject: 'toy:bob' });
    const vp = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: 'https://elsewhere.example', credentials: [expired, tampered, revoked, aboutBob] });
    const result = await verify(singlePresentation({ ...vp, proof: 'forged' }));
    expect(result.verified).toBe(false);
    expect(codes(result)).toEqual(
      expect.arrayContaining([
        ['audience.mismatch', 'presentation'],
        ['presentation.signature_invalid', 'presentation'],
        ['credential.signature_invalid', 'credentials[1]'],
        ['credential.expired', 'credentials[0]'],
        ['credential.revoked', 'credentials[2].status'],
        ['presentation.holder_mismatch', 'credentials[3]'],
      ]),
    );
    const byCode = new Map(result.failures.map((f) => [f.code, f]));
    expect(byCode.get('credential.expired')?.credential).toEqual({ presentation: 0, credential: 0 });
    expect(byCode.get('credential.revoked')?.credential).toEqual({ presentation: 0, credential: 2 });
    expect(byCode.get('presentation.signature_invalid')?.presentation).toBe(0);
    expect(result.credentials.map((c) => c.valid)).toEqual([false, false, false, false]);
  });

  it('gives true reasons: an expired credential with a wrong claim value answers both, never "no credential was presented"', async () => {
    const nonce = await challenge();
    const vp = toyPresentation(KEYS, {
      holder: 'toy:alice',
      nonce,
      aud: AUDIENCE,
      credentials: [membership({ exp: NOW_S - 3600, claims: { level: 'bronze' } })],
    });
    const result = await verify(singlePresentation(vp));
    expect(codes(result)).toEqual([
      ['credential.expired', 'credentials[0]'],
      ['credential.claim_value', 'credentials[0]'],
      ['policy.unsatisfied', 'presentation'],
    ]);
    expect(result.failures[2]?.detail).toBe(
      'credential query "membership" is not satisfied: the credentials of format toy_vc presented (credentials[0]) failed the checks listed',
    );
    expect(result.verified).toBe(false);
  });

  it('resolves a DID the format names as a key source, and reports one that does not resolve', async () => {
    const nonce = await challenge();
    const vp = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership({ issuerDid: 'did:example:issuer' })] });
    const result = await verify(singlePresentation(vp));
    expect(codes(result)).toContainEqual(['did.method_unsupported', 'credentials[0]']);
    expect(result.verified).toBe(false);
  });

  it('refuses a credential of the toy type the query does not ask for (the format answers `meta`)', async () => {
    const nonce = await challenge();
    const vp = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership({ type: 'Library' })] });
    expect(codes(await verify(singlePresentation(vp)))).toContainEqual(['credential.type_mismatch', 'credentials[0]']);
  });

  it('refuses a credential about two subjects of whom only one is the holder, naming the subject', async () => {
    const nonce = await challenge();
    const vp = toyPresentation(KEYS, {
      holder: 'toy:alice',
      nonce,
      aud: AUDIENCE,
      credentials: [membership({ subject: undefined, subjects: ['toy:alice', 'toy:bob'] })],
    });
    const result = await verify(singlePresentation(vp));
    expect(result.failures.filter((f) => f.code === 'presentation.holder_mismatch').map((f) => f.path)).toEqual(['credentials[0].subjects[1]']);
    expect(result.verified).toBe(false);
  });
});

describe('a submission of several presentations', () => {
  const twoQueries = (): PresentationPolicy =>
    policy({
      credentials: [query('membership', { claims: [{ path: ['level'] }] }), query('library', { meta: { toy_types: ['Library'] } as CredentialQuery['meta'] })],
    });

  it('verifies two presentations answering one challenge, consuming it once', async () => {
    const nonce = await challenge();
    const a = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership()] });
    const b = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership({ type: 'Library', claims: { card: 7 } })] });
    const result = await verify(fromVpToken({ membership: [a], library: [b] }), twoQueries());
    expect(codes(result)).toEqual([]);
    expect(result.verified).toBe(true);
    expect(nonces.consumed).toBe(1);
    expect(result.presentations.map((p) => p.path)).toEqual(['vpToken.membership[0]', 'vpToken.library[0]']);
    expect(result.credentials.map((c) => c.answered)).toEqual(['membership', 'library']);
    // Consumed: the same submission again is refused.
    expect(codes(await verify(fromVpToken({ membership: [a], library: [b] }), twoQueries()))).toContainEqual(['challenge.unknown', 'vpToken.membership[0]']);
  });

  it('refuses presentations answering different challenges', async () => {
    const first = await challenge('n-1');
    const second = await challenge('n-2');
    const a = toyPresentation(KEYS, { holder: 'toy:alice', nonce: first, aud: AUDIENCE, credentials: [membership()] });
    const b = toyPresentation(KEYS, { holder: 'toy:alice', nonce: second, aud: AUDIENCE, credentials: [membership({ type: 'Library', claims: {} })] });
    const result = await verify(fromVpToken({ membership: [a], library: [b] }), twoQueries());
    expect(codes(result)).toContainEqual(['challenge.unknown', 'vpToken.library[0]']);
    expect(nonces.consumed).toBe(1);
    expect(result.verified).toBe(false);
  });

  it('keeps a credential to the query it was presented for', async () => {
    const nonce = await challenge();
    // A Membership credential presented for the library query cannot answer the membership query.
    const a = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership()] });
    const result = await verify(fromVpToken({ library: [a] }), twoQueries());
    expect(result.verified).toBe(false);
    expect(codes(result)).toContainEqual(['credential.type_mismatch', 'vpToken.library[0].credentials[0]']);
  });

  it('refuses a vp_token key that names no query of the policy', async () => {
    const nonce = await challenge();
    const a = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership()] });
    const result = await verify(fromVpToken({ membership: [a], nosuch: [a] }));
    expect(codes(result)).toContainEqual(['presentation.malformed', 'vpToken.nosuch[0]']);
    expect(result.verified).toBe(false);
  });

  describe('session subject', () => {
    const bobsLibraryCard = (nonce: string): unknown =>
      toyPresentation(KEYS, { holder: 'toy:bob', nonce, aud: AUDIENCE, credentials: [membership({ subject: 'toy:bob', type: 'Library', claims: {} })] });
    const alicesMembership = (nonce: string): unknown => toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership()] });

    it('refuses presentations bound to different holders when the policy names no session.subjectFrom', async () => {
      const nonce = await challenge();
      const result = await verify(fromVpToken({ membership: [alicesMembership(nonce)], library: [bobsLibraryCard(nonce)] }), twoQueries());
      expect(codes(result)).toEqual([['presentation.holder_mismatch', 'presentation']]);
      expect(result.verified).toBe(false);
      expect(result.subject).toBeUndefined();
    });

    it('takes the subject from the query session.subjectFrom names', async () => {
      const nonce = await challenge();
      const rules = { ...twoQueries(), session: { subjectFrom: 'library' } };
      const result = await verify(fromVpToken({ membership: [alicesMembership(nonce)], library: [bobsLibraryCard(nonce)] }), rules);
      expect(codes(result)).toEqual([]);
      expect(result).toMatchObject({ verified: true, subject: 'toy:bob' });
    });
  });
});

describe('bindings', () => {
  const transcript = { nonce: 'request-nonce', clientId: 'x509_hash:abc', responseUri: 'https://kparty.example/oid4vp/response' };
  const oid4vp: SubmissionBinding = { kind: 'oid4vp', ...transcript };

  it('verifies a transcript-bound presentation against the OpenID4VP inputs, without any challenge store', async () => {
    const vp = toyPresentation(KEYS, { holder: 'toy:alice', transcript: true, credentials: [membership()] }, transcript);
    const result = await verify(singlePresentation(vp), policy(), oid4vp);
    expect(codes(result)).toEqual([]);
    expect(result.verified).toBe(true);
    expect(nonces.consumed).toBe(0);
  });

  it('refuses a transcript-bound presentation made for another response_uri', async () => {
    const vp = toyPresentation(
      KEYS,
      { holder: 'toy:alice', transcript: true, credentials: [membership()] },
      { ...transcript, responseUri: 'https://evil.example/r' },
    );
    expect(codes(await verify(singlePresentation(vp), policy(), oid4vp))).toContainEqual(['presentation.signature_invalid', 'presentation']);
  });

  it('checks a stated nonce and audience against the OpenID4VP request (client_id)', async () => {
    const good = toyPresentation(KEYS, { holder: 'toy:alice', nonce: transcript.nonce, aud: transcript.clientId, credentials: [membership()] });
    expect((await verify(singlePresentation(good), policy(), oid4vp)).verified).toBe(true);
    const replayed = toyPresentation(KEYS, { holder: 'toy:alice', nonce: 'other', aud: AUDIENCE, credentials: [membership()] });
    expect(codes(await verify(singlePresentation(replayed), policy(), oid4vp))).toEqual(
      expect.arrayContaining([
        ['challenge.unknown', 'presentation'],
        ['audience.mismatch', 'presentation'],
      ]),
    );
  });

  it('answers presentation.format_unsupported for a format presented through a door it cannot be bound to', async () => {
    deps = { ...deps, formats: new FormatRegistry([toyFormat(KEYS, ['oid4vp'])]) };
    const nonce = await challenge();
    const vp = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [membership()] });
    expect(codes(await verify(singlePresentation(vp)))).toEqual([['presentation.format_unsupported', 'presentation']]);
  });
});

describe('failures', () => {
  it(`caps the listed failures at maxErrors and counts the rest`, async () => {
    deps = { ...deps, maxErrors: 3 };
    const nonce = await challenge();
    const credentials = Array.from({ length: 6 }, () => membership({ exp: NOW_S - 3600 }));
    const result = await verify(singlePresentation(toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials })));
    expect(result.failures).toHaveLength(3);
    expect(result.errorsOmitted).toBeGreaterThan(3);
  });

  it('refuses an empty submission', async () => {
    expect(codes(await verify({ presentations: [] }))).toEqual([['presentation.malformed', 'presentation']]);
  });
});
