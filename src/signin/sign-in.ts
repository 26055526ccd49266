import { recordDecision, requireAuditedIfAccepted, type DecisionToAudit } from '../audit/record-decision.js';
import { KpartyError, type ErrorEntry } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { StoredPolicy } from '../core/model/policy.js';
import type { AuditLog } from '../core/ports/audit-log.js';
import type { WorkInFlight } from '../crypto/offload-policy.js';
import type { PolicyCatalog } from '../policy/policy-catalog.js';
import type { SessionIssuer } from '../session/session-issuer.js';
import { recheckReferencesOf } from '../session/refresh/recheck-references.js';
import type { PreparedFamily, SessionFamilies } from '../session/refresh/session-families.js';
import type { StatusMessage } from '../status/index.js';
import type { Submission, SubmissionBinding } from '../verification/submission.js';
import type { CredentialStatusOutcome, VerificationDependencies } from '../verification/verification-context.js';
import type { VerificationResult } from '../verification/verification-result.js';
import { verifySubmission } from '../verification/verify-submission.js';

export interface SignInRequest {
  policyId: string;
  submission: Submission;
  binding: SubmissionBinding;
  requestId?: string;
  /** The relying party that authenticated the call (RP key / client_secret_basic), if any. */
  clientId?: string;
  /** RFC 9449: thumbprint of the key the session is bound to (DPoP header proof, or OpenID4VP dpopJkt). */
  dpopJkt?: string;
}

/** Who obtains a session (docs/sessions.md): the relying party that authenticated the call, and the DPoP key to bind it to. */
export type SessionClient = Pick<SignInRequest, 'clientId' | 'dpopJkt'>;

export interface VerifiedCredentialView {
  format: string;
  issuer: string;
  type: string[];
  subject?: string;
  /** The claims the policy asked for (all claims, as the format defines them, when its query names none). */
  claims: Record<string, unknown>;
  /**
   * `valid` (every status entry checked), `stale` (checked against a cached list past its freshness: host unreachable,
   * policy `optional`), `unavailable` (a status could not be learned; policy `optional`), `unchecked` (policy `ignore`),
   * `none` (no status entry).
   */
  status: CredentialStatusOutcome;
  /** Informational statuses (W3C `statusPurpose: message`) and the issuer's message for each; absent when there are none. */
  statusMessages?: StatusMessage[];
}

/** The 200 body of POST /v1/presentations/verify (docs/api.md "Verifying a presentation"). */
export interface SignInSuccess {
  verified: true;
  holder: string;
  credentials: VerifiedCredentialView[];
  session: { token: string; tokenType: 'Bearer' | 'DPoP'; expiresIn: number; scope: string; refreshToken?: string };
}

/** Told of every decision (metrics); must not throw. */
export type DecisionObserver = (outcome: 'accepted' | 'rejected', codes: readonly string[]) => void;

/** Largest success body kparty answers (KPARTY_MAX_RESPONSE_BYTES); the request body is capped at 1 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface SignInDependencies {
  verification: VerificationDependencies;
  policies: PolicyCatalog;
  sessions: SessionIssuer;
  auditLog: AuditLog;
  /** Where a decision the audit log did not take is written (at error level, whole), and each decision's log line. */
  logger: Logger;
  /** KPARTY_LOG_HOLDER: the holder in decision log lines hashed (default) or omitted. */
  logHolder?: 'hash' | 'omit';
  /** Counts verifications in flight (signature checks go to the thread pool while others run: crypto/offload-policy.ts). */
  inFlight?: WorkInFlight;
  observeDecision?: DecisionObserver;
  /** Largest success body, in bytes of JSON. */
  maxResponseBytes?: number;
  /** Refresh-token families (docs/sessions.md); without them no policy gets refresh tokens. */
  families?: SessionFamilies;
}

/** The audit record of a decision: who, which policy, the outcome and its codes; never the credentials. */
function decisionOf(
  policy: StoredPolicy,
  result: VerificationResult,
  outcome: 'accepted' | 'rejected',
  codes: readonly string[],
  requestId: string | undefined,
): DecisionToAudit {
  const holder = result.subject ?? result.claimedHolder;
  const formats = [...new Set(result.presentations.map((p) => p.format))];
  return {
    owner: policy.owner,
    policyId: policy.policy.id,
    outcome,
    ...(holder !== undefined ? { holder } : {}),
    ...(formats.length > 0 ? { format: formats.join(',') } : {}),
    codes,
    credentialIssuers: result.credentials.map((c) => c.issuer),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}

function views(result: VerificationResult): VerifiedCredentialView[] {
  return result.credentials
    .filter((c) => c.answered !== undefined)
    .map((c) => ({
      format: c.format,
      issuer: c.issuer,
      type: [...c.types],
      ...(c.subject !== undefined ? { subject: c.subject } : {}),
      claims: structuredClone(c.claims ?? {}) as Record<string, unknown>,
      status: c.status,
      ...(c.statusMessages !== undefined ? { statusMessages: c.statusMessages.map((m) => ({ ...m })) } : {}),
    }));
}

function rejection(result: VerificationResult, errors: readonly ErrorEntry[]): KpartyError {
  const omitted = result.errorsOmitted > 0 ? ` (${result.errorsOmitted} more not listed)` : '';
  return new KpartyError('presentation.rejected', `${errors.length + result.errorsOmitted} check(s) failed${omitted}`, {
    errors: [...errors],
    ...(result.errorsOmitted > 0 ? { errorsOmitted: result.errorsOmitted } : {}),
  });
}

const entries = (result: VerificationResult): ErrorEntry[] => result.failures.map((f) => ({ code: f.code, path: f.path, detail: f.detail }));

/**
 * The sign-in use case (verify → audit → issue session), behind POST
 * /v1/presentations/verify, POST /v1/token and the OpenID4VP response
 * endpoint: verify a submission against a policy and, only when every check
 * holds, issue a session token for the submission's subject.
 *
 * The success body is built and size-checked before the decision is
 * audited, so `accepted` is never recorded for an answer kparty could not
 * give; an accepted decision the audit log did not take answers 503 and no
 * token leaves (audit/record-decision.ts).
 */
export class SignIn {
  constructor(private readonly deps: SignInDependencies) {}

  async signIn(request: SignInRequest): Promise<SignInSuccess> {
    const done = this.deps.inFlight?.begin();
    try {
      return await this.verifyAndIssue(request);
    } finally {
      done?.();
    }
  }

  private async verifyAndIssue(request: SignInRequest): Promise<SignInSuccess> {
    const { deps } = this;
    const policy = await deps.policies.find(request.policyId);
    if (!policy) throw new KpartyError('policy.not_found', `no policy "${request.policyId}"`);
    // Before the submission is verified (and its challenge consumed): a sign-in that cannot get the session the
    // policy demands, or a client acting for another relying party, is refused untouched.
    const dpop = policy.policy.session?.dpop;
    if (dpop === 'required' && request.dpopJkt === undefined) {
      throw new KpartyError('oauth.invalid_dpop_proof', `policy "${request.policyId}" requires a DPoP-bound session: send a DPoP proof (or dpopJkt)`);
    }
    if (request.dpopJkt !== undefined && dpop === undefined) {
      // Issuing a Bearer token where a key-bound one was asked for would silently drop the binding.
      throw new KpartyError('oauth.invalid_dpop_proof', `policy "${request.policyId}" does not bind sessions to DPoP keys (session.dpop)`);
    }
    if (request.clientId !== undefined && request.clientId !== policy.owner) {
      throw new KpartyError('auth.forbidden', `the authenticated client does not own policy "${request.policyId}"`);
    }
    const result = await verifySubmission(policy, request.submission, request.binding, deps.verification);

    if (!result.verified || result.subject === undefined) {
      await this.record(
        decisionOf(
          policy,
          result,
          'rejected',
          result.failures.map((f) => f.code),
          request.requestId,
        ),
      );
      throw rejection(result, entries(result));
    }

    const { policy: rules } = policy;
    const session = await deps.sessions.issue({
      subject: result.subject,
      audience: rules.audience,
      clientId: policy.owner,
      policyId: rules.id,
      ...(rules.session?.scope !== undefined ? { scope: rules.session.scope } : {}),
      ...(rules.session?.ttlSeconds !== undefined ? { ttlSeconds: rules.session.ttlSeconds } : {}),
      claims: structuredClone(result.sessionClaims) as Record<string, unknown>,
      ...(request.dpopJkt !== undefined ? { dpopJkt: request.dpopJkt } : {}),
    });
    const family = this.prepareFamily(request, policy, result, session);
    const success: SignInSuccess = {
      verified: true,
      holder: result.subject,
      credentials: views(result),
      session: {
        token: session.token,
        tokenType: session.tokenType,
        expiresIn: session.expiresIn,
        scope: session.scope,
        ...(family !== undefined ? { refreshToken: family.refreshToken } : {}),
      },
    };
    const unanswerable = this.unanswerable(success);
    if (unanswerable) {
      await this.record(decisionOf(policy, result, 'rejected', [unanswerable.code], request.requestId));
      throw new KpartyError('presentation.rejected', unanswerable.detail ?? 'the response cannot be answered', { errors: [unanswerable] });
    }
    const recording = await this.record(decisionOf(policy, result, 'accepted', [], request.requestId));
    // No session the audit log does not show.
    requireAuditedIfAccepted(recording);
    // The refresh token works only from here on: an unaudited sign-in leaves no family behind.
    if (family !== undefined) await deps.families?.commit(family);
    return success;
  }

  /**
   * The session family of a sign-in the policy lets last (`session.refresh`),
   * not stored yet; undefined when the policy sets no refresh or the caller
   * may not refresh (a public client without DPoP, RFC 9700 §4.14.2).
   */
  private prepareFamily(
    request: SignInRequest,
    policy: StoredPolicy,
    result: VerificationResult,
    session: { jti: string; expiresAt: number; expiresIn: number; scope: string },
  ): PreparedFamily | undefined {
    const refresh = policy.policy.session?.refresh;
    if (!refresh || !this.deps.families || result.subject === undefined) return undefined;
    const answered = Object.fromEntries(
      result.credentials
        .filter((c) => c.answered !== undefined)
        .map((c) => [c.answered, { issuer: c.issuer, status: c.statusEntries, ...(c.expiresAt !== undefined ? { expiresAt: c.expiresAt } : {}) }]),
    );
    return this.deps.families.prepare({
      subject: result.subject,
      clientId: policy.owner,
      policy: policy.policy,
      refresh,
      accessToken: { jti: session.jti, expiresAt: session.expiresAt, expiresIn: session.expiresIn },
      scope: session.scope,
      claims: structuredClone(result.sessionClaims) as Record<string, unknown>,
      ...(request.clientId !== undefined ? { authenticatedClient: request.clientId } : {}),
      ...(request.dpopJkt !== undefined ? { dpopJkt: request.dpopJkt } : {}),
      credentials: recheckReferencesOf(policy.policy.credentials, answered),
    });
  }

  /** Why the success body cannot be answered (not serialisable, or larger than KPARTY_MAX_RESPONSE_BYTES), or undefined. */
  private unanswerable(success: SignInSuccess): ErrorEntry | undefined {
    const max = this.deps.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    let bytes: number;
    try {
      bytes = Buffer.byteLength(JSON.stringify(success), 'utf8');
    } catch {
      return { code: 'presentation.malformed', path: 'presentation', detail: 'the verified claims cannot be serialised as a response' };
    }
    if (bytes > max) {
      return {
        code: 'presentation.malformed',
        path: 'presentation',
        detail: `the response would be ${bytes} bytes, more than the ${max} this service answers (KPARTY_MAX_RESPONSE_BYTES)`,
      };
    }
    return undefined;
  }

  private async record(decision: DecisionToAudit): ReturnType<typeof recordDecision> {
    const recording = await recordDecision(this.deps.auditLog, decision, {
      clock: this.deps.verification.clock,
      logger: this.deps.logger,
      ...(this.deps.logHolder !== undefined ? { logHolder: this.deps.logHolder } : {}),
    });
    this.deps.observeDecision?.(decision.outcome, decision.codes ?? []);
    return recording;
  }
}
