import type { Clock } from '../core/clock.js';
import type { Challenge } from '../core/model/challenge.js';
import type { CheckFailure } from '../core/model/check.js';
import type { CredentialQuery, PresentationPolicy } from '../core/model/policy.js';
import type { CredentialRef, ParsedCredential, ParsedPresentation } from '../core/model/presentation.js';
import type { NonceStore } from '../core/ports/nonce-store.js';
import type { DidResolver } from '../did/did-resolver.js';
import type { DidDocument } from '../did/did-document.js';
import type { ExpectedBinding, FormatHandler, ProofEnvironment } from '../formats/format-handler.js';
import type { FormatRegistry } from '../formats/format-registry.js';
import type { PolicyEvaluation } from '../policy/evaluation/evaluate-policy.js';
import type { StatusCheckerRegistry, StatusMessage } from '../status/index.js';
import type { RequestBudget } from '../net/request-budget.js';
import type { Submission, SubmissionBinding } from './submission.js';

/** What the checks need from outside: ports and settings, no framework. */
export interface VerificationDependencies {
  formats: FormatRegistry;
  dids: DidResolver;
  nonces: NonceStore;
  clock: Clock;
  /** KPARTY_CLOCK_SKEW, seconds. */
  clockSkewSeconds: number;
  /** Status mechanisms (W3C Bitstring Status List, StatusList2021, IETF Token Status List) over the cached list source. */
  status: StatusCheckerRegistry;
  /** Makes the budget of one verification (src/net/request-budget.ts): fetches and inflation of the request as a whole. */
  budgets?: () => RequestBudget;
  /** KPARTY_MAX_ERRORS: most failures a result lists (the rest are counted in `errorsOmitted`); default 100. */
  maxErrors?: number;
}

/**
 * Outcome of one credential's status check, reported in the success response:
 * - `valid`: every status entry was checked against a fresh list;
 * - `stale`: checked, but at least one list was a cached copy past its
 *   freshness, used because its host could not be reached (policy
 *   `status: optional`, within KPARTY_STATUS_STALE_GRACE);
 * - `unavailable`: at least one status could not be learned (host down, list
 *   secured in a way kparty cannot verify, unsupported entry type) and the
 *   policy says `status: optional`;
 * - `unchecked`: status entries not checked (policy `status: ignore`);
 * - `none`: the credential carries no status entry.
 */
export type CredentialStatusOutcome = 'valid' | 'stale' | 'unavailable' | 'unchecked' | 'none';

/** What the checks learn about one parsed presentation. */
export interface PresentationState {
  readonly parsed: ParsedPresentation;
  /** The format that parsed it, which also verifies its proofs. */
  readonly handler: FormatHandler;
  /** Whether the holder's proof verified. */
  holderProofValid: boolean;
}

/** What the checks learn about one parsed credential. */
export interface CredentialState {
  readonly credential: ParsedCredential;
  /** Whether the issuer's proof verified. Only such credentials may satisfy the policy. */
  issuerProofValid: boolean;
  status: CredentialStatusOutcome;
  /** Informational statuses (W3C `statusPurpose: message`), reported in the success response. */
  statusMessages?: StatusMessage[];
}

/**
 * State the ordered checks build up for one submission. Each check reads
 * what earlier ones established and adds to it; none of them throws. It
 * never leaves the pipeline: callers get an immutable VerificationResult.
 */
export interface VerificationContext {
  readonly submission: Submission;
  readonly binding: SubmissionBinding;
  readonly policy: PresentationPolicy;
  /** Who owns the policy (relying-party id or `@operator`), when the caller knows: a challenge issued for another owner's policy of the same id is refused. */
  readonly policyOwner?: string;
  /** Milliseconds since the epoch, fixed for the whole verification. */
  readonly now: number;
  /** Every failure reported so far by earlier checks (the runner appends). */
  readonly failures: CheckFailure[];
  /** Every presentation that parsed, in submission order. */
  readonly presentations: PresentationState[];
  /** Every credential that parsed, presentation by presentation. */
  readonly credentials: CredentialState[];
  /** How many submitted presentations failed to parse. */
  unparsed: number;
  /** The consumed challenge (challenge binding): null when the nonce was unknown, undefined when there was none. */
  challenge?: Challenge | null;
  /** What every presentation must be bound to (set by the challenge check). */
  expected?: ExpectedBinding;
  /** Resolved DID documents by DID; a DID that failed to resolve maps to null. */
  readonly documents: Map<string, DidDocument | null>;
  evaluation?: PolicyEvaluation;
  /** This verification's budget of outbound fetches and inflated bytes (src/net/request-budget.ts). */
  budget?: RequestBudget;
  /** The session subject (set by the session-subject check). */
  subject?: string;
}

/**
 * One verification check (one per file, run from the ordered table in
 * verify-submission.ts; docs/architecture.md "Verification"). Returns its
 * failures; never throws for anything the input can cause.
 */
export interface VerificationCheck {
  readonly name: string;
  run(context: VerificationContext, deps: VerificationDependencies): Promise<CheckFailure[]> | CheckFailure[];
}

const refKey = (ref: CredentialRef): string => `${ref.presentation}:${ref.credential}`;

/** Credentials some failure names (by reference, never by path). */
export function faultyCredentials(context: VerificationContext): Set<string> {
  const faulty = new Set<string>();
  for (const failure of context.failures) if (failure.credential) faulty.add(refKey(failure.credential));
  return faulty;
}

/**
 * Credentials whose issuer proof verified and that no earlier check found
 * fault with: the only ones that may satisfy the policy.
 */
export function unblemishedCredentials(context: VerificationContext): CredentialState[] {
  const faulty = faultyCredentials(context);
  return context.credentials.filter((state) => state.issuerProofValid && !faulty.has(refKey(state.credential.ref)));
}

/** Whether `credential` is the one `ref` names. */
export function isCredential(credential: ParsedCredential, ref: CredentialRef): boolean {
  return credential.ref.presentation === ref.presentation && credential.ref.credential === ref.credential;
}

/** The policy's queries a credential could answer: its format's, narrowed to the wallet's query when it named one. */
export function queriesFor(policy: PresentationPolicy, credential: ParsedCredential): CredentialQuery[] {
  return policy.credentials.filter((q) => q.format === credential.format && (credential.queryId === undefined || q.id === credential.queryId));
}

/** The proof environment of this verification (expected binding from the challenge check). */
export function proofEnvironment(context: VerificationContext, deps: VerificationDependencies): ProofEnvironment {
  return {
    now: context.now,
    clockSkewSeconds: deps.clockSkewSeconds,
    binding: context.expected ?? { audience: context.policy.audience },
    didDocument: (did) => context.documents.get(did),
    queriesFor: (credential) => queriesFor(context.policy, credential),
  };
}

export const nowSeconds = (context: VerificationContext): number => Math.floor(context.now / 1000);
