import { KpartyError } from '../core/errors.js';
import type { StoredPolicy } from '../core/model/policy.js';
import type { ParsedCredential } from '../core/model/presentation.js';
import { recordDecision, requireAuditedIfAccepted, type AuditDependencies, type DecisionToAudit } from '../audit/record-decision.js';
import { verificationsInFlight } from '../crypto/offload-policy.js';
import type { AuditLog } from '../core/ports/audit-log.js';
import type { PolicyCatalog } from '../policy/policy-catalog.js';
import type { SessionIssuer } from '../session/session-issuer.js';
import { recheckReferencesOf } from '../session/refresh/recheck-references.js';
import type { SessionFamilies } from '../session/refresh/session-families.js';
import type { StatusMessage } from '../status/index.js';
import type { CredentialStatusOutcome, VerificationDependencies } from './verification-context.js';
import { verifyPresentation, type VerificationReport } from './verify-presentation.js';

export interface VerifiedCredentialView {
  format: string;
  issuer: string;
  type: string[];
  subject?: string;
  /** The claims the policy asked for (all of `credentialSubject` when its query names none). */
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

export interface VerificationSuccess {
  verified: true;
  holder: string;
  credentials: VerifiedCredentialView[];
  session: { token: string; tokenType: 'Bearer' | 'DPoP'; expiresIn: number; scope: string; refreshToken?: string };
}

/** Who obtains the session (docs/sessions.md): the relying party that authenticated the call, and the DPoP key to bind to. */
export interface SessionBinding {
  /** The relying party that authenticated the call (RP key or client_secret_basic), if any. */
  clientId?: string;
  /** RFC 9449 thumbprint of a verified DPoP proof's key (or OpenID4VP `dpopJkt`), if any. */
  dpopJkt?: string;
}

/** The audit record of a decision: who, which policy, the outcome and its codes; never the credentials. */
function decisionOf(policy: StoredPolicy, report: VerificationReport, requestId: string | undefined): DecisionToAudit {
  const presentation = report.context.presentation;
  return {
    owner: policy.owner,
    policyId: policy.policy.id,
    outcome: report.verified ? 'accepted' : 'rejected',
    ...(presentation?.holder !== undefined ? { holder: presentation.holder } : {}),
    ...(presentation ? { format: presentation.format } : {}),
    codes: report.failures.map((f) => f.code),
    credentialIssuers: (presentation?.credentials ?? []).map((c) => c.issuer),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}

function view(credential: ParsedCredential, report: VerificationReport): VerifiedCredentialView {
  const messages = report.context.statusMessages.get(credential);
  return {
    format: credential.format,
    issuer: credential.issuer,
    type: credential.types,
    ...(credential.subject !== undefined ? { subject: credential.subject } : {}),
    claims: report.context.evaluation?.disclosedClaims.get(credential) ?? {},
    status: report.context.statuses.get(credential) ?? 'none',
    ...(messages !== undefined ? { statusMessages: messages } : {}),
  };
}

/** Told of every decision (metrics); must not throw. */
export type DecisionObserver = (outcome: 'accepted' | 'rejected', codes: readonly string[]) => void;

/**
 * The wallet's use case: verify a presentation against a policy and, only when
 * every check holds, issue a session token for the holder (SPEC §1).
 */
export class VerificationService {
  constructor(
    private readonly deps: VerificationDependencies,
    private readonly policies: PolicyCatalog,
    private readonly sessions: SessionIssuer,
    private readonly auditLog: AuditLog,
    private readonly audit: AuditDependencies,
    private readonly observeDecision: DecisionObserver = () => {},
    /** Refresh-token families; without it no policy gets refresh tokens. */
    private readonly families?: SessionFamilies,
  ) {}

  async verify(policyId: string, presentation: unknown, requestId?: string, binding: SessionBinding = {}): Promise<VerificationSuccess> {
    // Counted in flight: with others in flight, signature checks go to the thread pool (crypto/offload-policy.ts).
    const done = verificationsInFlight.begin();
    try {
      return await this.verifyAndIssue(policyId, presentation, requestId, binding);
    } finally {
      done();
    }
  }

  private async verifyAndIssue(policyId: string, presentation: unknown, requestId: string | undefined, binding: SessionBinding): Promise<VerificationSuccess> {
    const policy = await this.policies.find(policyId);
    if (!policy) throw new KpartyError('policy.not_found', `no policy "${policyId}"`);
    // Before the challenge is consumed: a sign-in that cannot get the session the policy demands is refused untouched.
    if (policy.policy.session?.dpop === 'required' && binding.dpopJkt === undefined) {
      throw new KpartyError('oauth.invalid_dpop_proof', `policy "${policyId}" requires a DPoP-bound session: send a DPoP proof`);
    }
    if (binding.clientId !== undefined && binding.clientId !== policy.owner) {
      throw new KpartyError('auth.forbidden', `the authenticated client does not own policy "${policyId}"`);
    }
    const dpopJkt = policy.policy.session?.dpop !== undefined ? binding.dpopJkt : undefined;
    const report = await verifyPresentation(presentation, policy, this.deps);
    const decision = decisionOf(policy, report, requestId);
    const recording = await recordDecision(this.auditLog, decision, this.audit);
    this.observeDecision(decision.outcome, decision.codes ?? []);
    const holder = report.context.presentation?.holder;
    if (!report.verified || holder === undefined) {
      throw new KpartyError('presentation.rejected', `${report.failures.length} check(s) failed`, { errors: report.failures });
    }
    // No session the audit log does not show.
    requireAuditedIfAccepted(recording);
    const { policy: rules } = policy;
    const matched = new Set(Object.values(report.context.evaluation?.matches ?? {}));
    const session = await this.sessions.issue({
      subject: holder,
      audience: rules.audience,
      clientId: policy.owner,
      policyId: rules.id,
      ...(rules.session?.scope !== undefined ? { scope: rules.session.scope } : {}),
      ...(rules.session?.ttlSeconds !== undefined ? { ttlSeconds: rules.session.ttlSeconds } : {}),
      claims: report.context.evaluation?.sessionClaims ?? {},
      ...(dpopJkt !== undefined ? { dpopJkt } : {}),
    });
    const refresh = rules.session?.refresh;
    const refreshToken =
      refresh && this.families
        ? await this.families.start({
            subject: holder,
            clientId: policy.owner,
            policy: rules,
            refresh,
            accessToken: { jti: session.jti, expiresAt: session.expiresAt, expiresIn: session.expiresIn },
            scope: session.scope,
            claims: report.context.evaluation?.sessionClaims ?? {},
            ...(binding.clientId !== undefined ? { authenticatedClient: binding.clientId } : {}),
            ...(dpopJkt !== undefined ? { dpopJkt } : {}),
            credentials: recheckReferencesOf(rules.credentials, report.context.evaluation?.matches ?? {}),
          })
        : undefined;
    return {
      verified: true,
      holder,
      credentials: (report.context.presentation?.credentials ?? []).filter((c) => matched.has(c)).map((c) => view(c, report)),
      session: {
        token: session.token,
        tokenType: session.tokenType,
        expiresIn: session.expiresIn,
        scope: session.scope,
        ...(refreshToken !== undefined ? { refreshToken } : {}),
      },
    };
  }
}
