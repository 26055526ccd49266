import type { CheckFailure } from '../core/model/check.js';
import type { CredentialRef } from '../core/model/presentation.js';
import { deepFreeze } from '../did/deep-freeze.js';
import type { StatusMessage } from '../status/index.js';
import { faultyCredentials, type CredentialStatusOutcome, type VerificationContext } from './verification-context.js';

/** What became of one presentation of the submission. */
export interface PresentationOutcome {
  readonly index: number;
  readonly path: string;
  readonly format: string;
  readonly queryId?: string;
  /** The holder it names (verified only when `holderProofValid`). */
  readonly holder?: string;
  readonly holderProofValid: boolean;
}

/** What became of one credential of the submission. */
export interface CredentialOutcome {
  readonly ref: CredentialRef;
  readonly path: string;
  readonly format: string;
  readonly issuer: string;
  readonly types: readonly string[];
  readonly subject?: string;
  /** Whether its issuer proof verified and no check found fault with it. */
  readonly valid: boolean;
  /** The credential query it answered, when the policy was satisfied with it. */
  readonly answered?: string;
  readonly status: CredentialStatusOutcome;
  readonly statusMessages?: readonly StatusMessage[];
  /** The claims the relying party may see (DCQL data minimisation); only for a credential that answered a query. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Its status entries as found, for a session's later re-check (src/session/refresh/, docs/sessions.md). */
  readonly statusEntries: readonly unknown[];
  /** Not valid after (seconds since the epoch), for a session's re-check. */
  readonly expiresAt?: number;
}

/** The finished, immutable outcome of verifying a submission against a policy. */
export interface VerificationResult {
  readonly verified: boolean;
  readonly policyId: string;
  /** The session subject (a DID or RFC 9278 JWK thumbprint URI); only when verified. */
  readonly subject?: string;
  /** What the first presentation claims its holder is, verified or not (audit of rejections). */
  readonly claimedHolder?: string;
  readonly presentations: readonly PresentationOutcome[];
  readonly credentials: readonly CredentialOutcome[];
  /** Session-token claims from `policy.session.claims`; empty unless verified. */
  readonly sessionClaims: Readonly<Record<string, unknown>>;
  /** Every failed check, at most KPARTY_MAX_ERRORS of them; empty when verified. */
  readonly failures: readonly CheckFailure[];
  /** Failures left out of `failures` by the KPARTY_MAX_ERRORS cap. */
  readonly errorsOmitted: number;
}

/** KPARTY_MAX_ERRORS default: a rejection lists at most this many failures. */
export const DEFAULT_MAX_ERRORS = 100;

/** The immutable result of a finished pipeline run. */
export function resultOf(context: VerificationContext, maxErrors: number = DEFAULT_MAX_ERRORS): VerificationResult {
  const evaluation = context.evaluation;
  const verified =
    context.failures.length === 0 &&
    context.unparsed === 0 &&
    context.presentations.length > 0 &&
    context.presentations.every((p) => p.holderProofValid) &&
    evaluation?.satisfied === true &&
    context.subject !== undefined;
  const failures = [...context.failures];
  if (!verified && failures.length === 0) {
    // Fail closed, and never answer a rejection that lists no reason.
    failures.push({ code: 'policy.unsatisfied', path: 'presentation', detail: 'the presentation was not shown to satisfy the policy' });
  }
  const answered = new Map<string, string>();
  for (const [queryId, credential] of Object.entries(evaluation?.matches ?? {}))
    answered.set(`${credential.ref.presentation}:${credential.ref.credential}`, queryId);
  const faulty = faultyCredentials(context);
  const credentials = context.credentials.map((state): CredentialOutcome => {
    const { credential } = state;
    const key = `${credential.ref.presentation}:${credential.ref.credential}`;
    const query = verified ? answered.get(key) : undefined;
    const claims = query !== undefined ? evaluation?.disclosedClaims.get(credential) : undefined;
    return {
      ref: { ...credential.ref },
      path: credential.path,
      format: credential.format,
      issuer: credential.issuer,
      types: [...credential.types],
      ...(credential.subject !== undefined ? { subject: credential.subject } : {}),
      valid: state.issuerProofValid && !faulty.has(key),
      ...(query !== undefined ? { answered: query } : {}),
      status: state.status,
      ...(state.statusMessages !== undefined ? { statusMessages: state.statusMessages.map((m) => ({ ...m })) } : {}),
      ...(claims !== undefined ? { claims } : {}),
      statusEntries: credential.status.map((reference) => reference.entry),
      ...(credential.expiresAt !== undefined ? { expiresAt: credential.expiresAt } : {}),
    };
  });
  const cap = Math.max(1, maxErrors);
  const first = context.presentations[0]?.parsed;
  return deepFreeze({
    verified,
    policyId: context.policy.id,
    ...(verified && context.subject !== undefined ? { subject: context.subject } : {}),
    ...(first?.holder !== undefined ? { claimedHolder: first.holder } : {}),
    presentations: context.presentations.map(({ parsed, holderProofValid }) => ({
      index: parsed.index,
      path: parsed.path,
      format: parsed.format,
      ...(parsed.queryId !== undefined ? { queryId: parsed.queryId } : {}),
      ...(parsed.holder !== undefined ? { holder: parsed.holder } : {}),
      holderProofValid,
    })),
    credentials,
    sessionClaims: verified ? (evaluation?.sessionClaims ?? {}) : {},
    failures: failures.slice(0, cap).map((f) => ({ ...f })),
    errorsOmitted: Math.max(0, failures.length - cap),
  });
}
