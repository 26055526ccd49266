/**
 * A verification context for one check's spec: the toy format (toy-format.ts)
 * parses the submission, memory ports and a fixed clock stand in for the
 * world, and the checks named run before the one under test.
 */
import { fixedClock } from '../../core/clock.js';
import type { Challenge } from '../../core/model/challenge.js';
import type { CredentialQuery, PresentationPolicy } from '../../core/model/policy.js';
import { DidResolver } from '../../did/did-resolver.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import { FormatRegistry } from '../../formats/format-registry.js';
import { MemoryNonceStore } from '../../storage/memory/memory-nonce-store.js';
import { StatusCheckerRegistry } from '../../status/index.js';
import type { Submission, SubmissionBinding } from '../submission.js';
import type { VerificationCheck, VerificationContext, VerificationDependencies } from '../verification-context.js';
import { TOY_FORMAT, toyCredential, toyFormat, toyPresentation, type ToyCredentialInput, type ToyKeys, type ToyPresentationInput } from './toy-format.js';

export const NOW = Date.UTC(2030, 0, 1);
export const NOW_S = NOW / 1000;
export const AUDIENCE = 'https://rp.example';
export const KEYS: ToyKeys = { 'toy:alice': 'alice-secret', 'toy:bob': 'bob-secret', 'toy:issuer': 'issuer-secret' };

export function toyQuery(id = 'membership', overrides: Partial<CredentialQuery> = {}): CredentialQuery {
  return { id, format: TOY_FORMAT, trustedIssuers: ['toy:issuer'], ...overrides };
}

export function toyPolicy(overrides: Partial<PresentationPolicy> = {}): PresentationPolicy {
  return { id: 'club', audience: AUDIENCE, credentials: [toyQuery()], ...overrides };
}

export const member = (overrides: Partial<ToyCredentialInput> = {}): ToyCredentialInput =>
  toyCredential(KEYS, { issuer: 'toy:issuer', subject: 'toy:alice', type: 'Membership', claims: { level: 'gold' }, ...overrides });

export const presentationOf = (overrides: Partial<Omit<ToyPresentationInput, 'toy'>> = {}): ToyPresentationInput =>
  toyPresentation(KEYS, { holder: 'toy:alice', nonce: 'n-1', aud: AUDIENCE, credentials: [member()], ...overrides });

export interface CheckBench {
  deps: VerificationDependencies;
  nonces: MemoryNonceStore;
  issueChallenge(nonce?: string, policyId?: string): Promise<Challenge>;
  /** A context for `submission`, with `before` already run (in order), their failures recorded. */
  context(
    submission: Submission,
    options?: { policy?: PresentationPolicy; binding?: SubmissionBinding; before?: readonly VerificationCheck[] },
  ): Promise<VerificationContext>;
}

export function checkBench(depsOverrides: Partial<VerificationDependencies> = {}): CheckBench {
  const nonces = new MemoryNonceStore();
  const deps: VerificationDependencies = {
    formats: new FormatRegistry([toyFormat(KEYS)]),
    dids: new DidResolver([new DidKeyResolver()]),
    nonces,
    clock: fixedClock(NOW),
    clockSkewSeconds: 60,
    status: new StatusCheckerRegistry([]),
    ...depsOverrides,
  };
  return {
    deps,
    nonces,
    async issueChallenge(nonce = 'n-1', policyId = 'club') {
      const challenge = { nonce, policyId, domain: AUDIENCE, createdAt: NOW, expiresAt: NOW + 300_000 };
      await nonces.issue(challenge);
      return challenge;
    },
    async context(submission, options = {}) {
      const context: VerificationContext = {
        submission,
        binding: options.binding ?? { kind: 'challenge' },
        policy: options.policy ?? toyPolicy(),
        now: NOW,
        failures: [],
        presentations: [],
        credentials: [],
        unparsed: 0,
        documents: new Map(),
      };
      for (const check of options.before ?? []) context.failures.push(...(await check.run(context, deps)));
      return context;
    },
  };
}

/** `[code, path]` of each failure. */
export const located = (failures: ReadonlyArray<{ code: string; path: string }>): Array<[string, string]> => failures.map((f) => [f.code, f.path]);
