import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AuditEvent, AuditOutcome } from '../core/model/audit-event.js';
import type { AuditLog } from '../core/ports/audit-log.js';
import { requestElapsedMs } from '../observability/request-context.js';
import { newAuditEventId } from './audit-event-id.js';

/** A verification decision to audit: who, which policy, what outcome and why — no credentials, no claims. */
export interface DecisionToAudit {
  /** Owner of the policy: the relying-party id, or `@operator`. */
  owner: string;
  policyId: string;
  outcome: AuditOutcome;
  /** Holder DID or JWK thumbprint URI; on a rejection, what the presentation claimed. */
  holder?: string;
  /** Presentation format (`jwt_vp_json`, `dc+sd-jwt`, …). */
  format?: string;
  /** Codes of every failed check; duplicates are kept once. Empty (or absent) when accepted. */
  codes?: readonly string[];
  /** Issuer DIDs of the presented credentials. */
  credentialIssuers?: readonly string[];
  /** The HTTP request's id. */
  requestId?: string;
}

export interface AuditDependencies {
  clock: Clock;
  logger: Logger;
  /** KPARTY_LOG_HOLDER: how the decision's log line names the holder (default `hash`). */
  logHolder?: 'hash' | 'omit';
}

/** The holder as the decision log line shows it: a pseudonym (`sha256:` + 16 hex digits), or nothing. */
export function loggedHolder(holder: string | undefined, mode: 'hash' | 'omit'): string | undefined {
  if (holder === undefined || mode === 'omit') return undefined;
  return `sha256:${createHash('sha256').update(holder).digest('hex').slice(0, 16)}`;
}

/**
 * One `info` line per verification decision (docs/operations.md#logs): policy,
 * outcome, failed check codes, the holder hashed or omitted, the request id
 * and how long the request had run. Never credentials, claims or the DID itself.
 */
function logDecision(decision: DecisionToAudit, deps: AuditDependencies, recorded: boolean): void {
  const holder = loggedHolder(decision.holder, deps.logHolder ?? 'hash');
  const durationMs = requestElapsedMs();
  deps.logger.info(
    {
      decision: decision.outcome,
      policy: decision.policyId,
      owner: decision.owner,
      codes: [...new Set(decision.codes ?? [])].slice(0, MAX_LIST_ENTRIES),
      ...(holder === undefined ? {} : { holder }),
      ...(decision.format === undefined ? {} : { format: cut(decision.format, MAX_FORMAT_LENGTH) }),
      ...(decision.requestId === undefined ? {} : { requestId: cut(decision.requestId, MAX_REQUEST_ID_LENGTH) }),
      ...(durationMs === undefined ? {} : { durationMs }),
      ...(recorded ? {} : { audited: false }),
    },
    `presentation ${decision.outcome}`,
  );
}

/** Whether the decision reached the audit log; the event is there to log or return either way. */
export type AuditRecording = { recorded: true; event: AuditEvent } | { recorded: false; outcome: AuditOutcome };

/**
 * Longest kept value of what a presentation supplies (holder, issuers) — a
 * `did:jwk` of an RSA key runs to about a kilobyte — and at most this many
 * issuers and codes: a hostile presentation cannot make one audit row large.
 */
const MAX_VALUE_LENGTH = 2048;
const MAX_LIST_ENTRIES = 32;
const MAX_REQUEST_ID_LENGTH = 128;
const MAX_FORMAT_LENGTH = 64;

function cut(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

function bounded(values: readonly string[], maxLength: number): string[] {
  return [...new Set(values.map((value) => cut(value, maxLength)))].slice(0, MAX_LIST_ENTRIES);
}

/** The event for a decision, stamped with the clock's time and a fresh id. */
export function auditEventFor(decision: DecisionToAudit, clock: Clock): AuditEvent {
  const time = clock.now();
  return {
    id: newAuditEventId(time),
    time,
    owner: decision.owner,
    policyId: decision.policyId,
    outcome: decision.outcome,
    ...(decision.holder === undefined ? {} : { holder: cut(decision.holder, MAX_VALUE_LENGTH) }),
    ...(decision.format === undefined ? {} : { format: cut(decision.format, MAX_FORMAT_LENGTH) }),
    codes: bounded(decision.codes ?? [], MAX_VALUE_LENGTH),
    ...(decision.credentialIssuers === undefined ? {} : { credentialIssuers: bounded(decision.credentialIssuers, MAX_VALUE_LENGTH) }),
    ...(decision.requestId === undefined ? {} : { requestId: cut(decision.requestId, MAX_REQUEST_ID_LENGTH) }),
  };
}

/**
 * Records a verification decision in the audit log. Never throws: a failed
 * write is logged at error level together with the whole event (so the
 * decision is at least in the logs) and reported as `recorded: false`.
 *
 * What a failed write means for the answer is the caller's part, and kparty
 * fails closed — pass the result to {@link requireAuditedIfAccepted} before a
 * session token is issued:
 * - an **accepted** decision that is not audited answers 503
 *   `service.unavailable`: no session exists that the relying party's audit
 *   log does not show. The wallet fetches a new challenge and tries again
 *   (the challenge was consumed either way).
 * - a **rejected** decision is answered as usual (422 with every failed
 *   check): it grants nothing, the error log keeps the event, and a 503 would
 *   only hide from the wallet why it was refused.
 */
export async function recordDecision(log: AuditLog, decision: DecisionToAudit, deps: AuditDependencies): Promise<AuditRecording> {
  let event: AuditEvent | undefined;
  try {
    event = auditEventFor(decision, deps.clock);
    await log.record(event);
    logDecision(decision, deps, true);
    return { recorded: true, event };
  } catch (error) {
    logDecision(decision, deps, false);
    deps.logger.error(
      { err: error, auditEvent: event ?? { ...decision } },
      'recording a verification decision in the audit log failed; this log line is its only record',
    );
    return { recorded: false, outcome: decision.outcome };
  }
}

/**
 * The fail-closed rule (see {@link recordDecision}): throws 503
 * `service.unavailable` when an accepted decision did not reach the audit
 * log; does nothing for a recorded decision or a rejection.
 */
export function requireAuditedIfAccepted(recording: AuditRecording): void {
  if (!recording.recorded && recording.outcome === 'accepted') {
    throw new KpartyError('service.unavailable', 'the decision could not be written to the audit log', { retryAfter: 5 });
  }
}
