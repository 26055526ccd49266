import type { Clock } from '../core/clock.js';
import type { Challenge } from '../core/model/challenge.js';
import type { CheckFailure } from '../core/model/check.js';
import type { StoredPolicy } from '../core/model/policy.js';
import type { ParsedCredential, ParsedPresentation } from '../core/model/presentation.js';
import type { NonceStore } from '../core/ports/nonce-store.js';
import type { DidResolver } from '../did/did-resolver.js';
import type { DidDocument } from '../did/did-document.js';
import type { PresentationFormatHandler } from '../formats/presentation-format.js';
import type { PresentationFormatRegistry } from '../formats/format-registry.js';
import type { PolicyEvaluation } from '../policy/evaluation/evaluate-policy.js';
import type { StatusCheckerRegistry, StatusMessage } from '../status/index.js';
import type { RequestBudget } from '../net/request-budget.js';

/** What the checks need from outside: ports and settings, no framework. */
export interface VerificationDependencies {
  formats: PresentationFormatRegistry;
  dids: DidResolver;
  nonces: NonceStore;
  clock: Clock;
  /** KPARTY_CLOCK_SKEW, seconds. */
  clockSkewSeconds: number;
  /** Status mechanisms (W3C Bitstring Status List, StatusList2021, IETF Token Status List) over the cached list source. */
  status: StatusCheckerRegistry;
  /** Makes the budget of one verification (src/net/request-budget.ts): fetches and inflation of the request as a whole. */
  budgets?: () => RequestBudget;
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

/**
 * State the ordered checks build up for one presentation. Each check reads
 * what earlier ones established and adds to it; none of them throws.
 */
export interface VerificationContext {
  readonly input: unknown;
  readonly policy: StoredPolicy;
  /** Milliseconds since the epoch, fixed for the whole verification. */
  readonly now: number;
  /** Every failure reported so far by earlier checks (the runner appends). */
  readonly failures: CheckFailure[];
  handler?: PresentationFormatHandler;
  presentation?: ParsedPresentation;
  /** The consumed challenge, null when the nonce was unknown, undefined when there was none. */
  challenge?: Challenge | null;
  /** Resolved DID documents by DID; a DID that failed to resolve maps to null. */
  documents: Map<string, DidDocument | null>;
  /** Whether the presentation's own signature verified against the holder's authentication key. */
  holderSignatureValid: boolean;
  /** Credentials whose issuer signature verified. Only these may satisfy the policy. */
  signedCredentials: Set<ParsedCredential>;
  statuses: Map<ParsedCredential, CredentialStatusOutcome>;
  /** Informational statuses (W3C `statusPurpose: message`) found per credential, reported in the success response. */
  statusMessages: Map<ParsedCredential, StatusMessage[]>;
  evaluation?: PolicyEvaluation;
  /** This verification's budget of outbound fetches and inflated bytes (src/net/request-budget.ts). */
  budget?: RequestBudget;
}

/**
 * One verification check (ARCHITECTURE rule 3: one per file, run from the
 * ordered table in verify-presentation.ts). Returns its failures; never throws
 * for anything the input can cause.
 */
export interface VerificationCheck {
  readonly name: string;
  run(context: VerificationContext, deps: VerificationDependencies): Promise<CheckFailure[]> | CheckFailure[];
}

/**
 * Credentials no earlier check has found fault with: the only ones that may
 * satisfy the policy. A failure at a path inside a credential
 * (`credentials[0].credentialStatus[1]`) is a fault of that credential.
 */
export function unblemishedCredentials(context: VerificationContext): ParsedCredential[] {
  const faulty = new Set(context.failures.map((f) => /^credentials\[\d+\]/.exec(f.path)?.[0] ?? f.path));
  return (context.presentation?.credentials ?? []).filter((c) => context.signedCredentials.has(c) && !faulty.has(c.path));
}

export const nowSeconds = (context: VerificationContext): number => Math.floor(context.now / 1000);
