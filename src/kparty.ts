import { resolve as resolvePath } from 'node:path';
import { ApiKeyAuthenticator } from './admin/authenticator.js';
import { ChallengeService } from './challenge/challenge-service.js';
import { systemClock, type Clock } from './core/clock.js';
import type { KpartyConfig } from './core/config.js';
import { RelyingPartyAdmin } from './admin/relying-parties.js';
import type { Logger } from './core/logger.js';
import type { Fetcher } from './core/ports/fetcher.js';
import type { Storage } from './core/ports/storage.js';
import { startMaintenance } from './maintenance.js';
import { GuardedFetcher } from './net/guarded-fetcher.js';
import { countingFetcher } from './observability/counting-fetcher.js';
import { KpartyMetrics } from './observability/metrics.js';
import type { PolicyCatalog } from './policy/policy-catalog.js';
import { loadPolicyFiles } from './policy/policy-files.js';
import { WalletRateLimits } from './ratelimit/wallet-rate-limits.js';
import type { SessionIssuer } from './session/session-issuer.js';
import type { SessionVerifier } from './session/session-verifier.js';
import type { SigningKeyRing } from './session/signing-key-ring.js';
import type { SigningKeyRotator } from './session/signing-key-rotation.js';
import { type SignIn } from './signin/sign-in.js';
import { TokenExchange } from './signin/token-exchange.js';
import { failClosedStorage } from './storage/fail-closed-storage.js';
import { MemoryRateLimiter } from './storage/memory/memory-rate-limiter.js';
import { openStorage } from './storage/open-storage.js';
import type { DidWebRequestKeys } from './oid4vp/did-web-request-keys.js';
import type { Oid4vpService } from './oid4vp/oid4vp-service.js';
import type { JwtVcIssuerMetadataResolver } from './trust/jwt-vc-issuer-metadata.js';
import { VcApiVerifier } from './vc-api/vc-api-verifier.js';
import { TrustAnchorStore } from './trust/trust-anchors.js';
import type { VerificationDependencies } from './verification/verification-context.js';
import { wireOid4vp, wireOperatorKey, wirePolicies, wireRefresh, wireSessions, wireSignIn, wireVerification } from './wiring.js';
import type { SessionFamilies } from './session/refresh/session-families.js';
import type { DpopProofs } from './session/dpop/dpop-proofs.js';

/** Everything the delivery layer (src/api) needs: the core wired to its adapters. */
export interface Kparty {
  readonly config: KpartyConfig;
  readonly clock: Clock;
  readonly storage: Storage;
  readonly policies: PolicyCatalog;
  readonly challenges: ChallengeService;
  readonly authenticator: ApiKeyAuthenticator;
  /** Operator use cases on relying parties: create, list, change (audiences, callback origins, logo, API key rotation). */
  readonly relyingParties: RelyingPartyAdmin;
  readonly signingKeys: SigningKeyRing;
  readonly sessions: SessionIssuer;
  /** Verifies kparty's own session tokens (introspection, revocation, forward-auth), the denylist included. */
  readonly sessionVerifier: SessionVerifier;
  /** Signing-key rotation: on demand (admin API, CLI) and on the KPARTY_KEY_ROTATION_INTERVAL schedule. */
  readonly keyRotation: SigningKeyRotator;
  /** What `verifySubmission` needs (formats, DID resolver, nonces, clock, status): for verification-only doors (W3C VC API). */
  readonly verification: VerificationDependencies;
  /** The sign-in use case (verify → audit → session) behind POST /v1/presentations/verify, POST /v1/token and OpenID4VP. */
  readonly signIn: SignIn;
  /** Prometheus metrics served at GET /metrics. */
  readonly metrics: KpartyMetrics;
  /** The guarded Fetcher every outbound request goes through (did:web, status lists): KPARTY_OUTBOUND_ALLOW, KPARTY_FETCH_*. */
  readonly fetcher: Fetcher;
  /** RFC 8693 token exchange (`POST /v1/token`) over the same verification. */
  readonly tokenExchange: TokenExchange;
  /** KPARTY_RATE_LIMIT / KPARTY_RATE_LIMIT_PER_POLICY on the wallet-facing endpoints; counters shared through Redis when configured. */
  readonly rateLimits: WalletRateLimits;
  /** KPARTY_TRUST_ANCHORS: the X.509 anchors of `x5c` issuers, status-list signers and mdoc IACAs (empty when unset). */
  readonly trustAnchors: TrustAnchorStore;
  /** Keys of https credential issuers (jwt-vc-issuer metadata), through the guarded fetcher. */
  readonly issuerMetadata: JwtVcIssuerMetadataResolver;
  /** The OpenID4VP 1.0 verifier (src/oid4vp, docs/oid4vp.md). */
  readonly oid4vp: Oid4vpService;
  /** kparty's own did:web request-signing keys (served at /.well-known/did.json; `decentralized_identifier`). */
  readonly oid4vpDidKeys: DidWebRequestKeys;
  /** The W3C VC API verifier endpoints (POST /v1/vc-api/…/verify): an adapter over the same verification. */
  readonly vcApi: VcApiVerifier;
  /** Refresh tokens: rotation, reuse detection, re-checks, ends of sessions (docs/sessions.md). */
  readonly sessionFamilies: SessionFamilies;
  /** RFC 9449 DPoP proofs at kparty's own endpoints, single use across replicas. */
  readonly dpop: DpopProofs;
  close(): Promise<void>;
}

export interface KpartyOptions {
  logger: Logger;
  clock?: Clock;
  /** Defaults to the storage DATABASE_URL names. */
  storage?: Storage;
  /** Called once with an operator key generated on this start (besides its JSON log line), e.g. to show it to a person. */
  onGeneratedOperatorKey?: (key: string) => void;
}

/** The composition root: opens storage (migrating it), loads policy files and keys, wires the use cases. Framework-free. */
export async function createKparty(config: KpartyConfig, options: KpartyOptions): Promise<Kparty> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const filePolicies = config.policiesDir ? await loadPolicyFiles(config.policiesDir, config) : [];
  // A bad anchor folder stops start-up with a ConfigError naming KPARTY_TRUST_ANCHORS.
  const trustAnchors = config.trustAnchorsDir ? await TrustAnchorStore.fromFolder(config.trustAnchorsDir) : TrustAnchorStore.empty();
  // Every storage failure after this line is a 503 service.unavailable (fail closed).
  const storage = failClosedStorage(options.storage ?? (await openStorage(config, logger)));
  try {
    const base = { storage, clock, config, logger };
    const operatorKey = await wireOperatorKey({ ...base, onGenerated: options.onGeneratedOperatorKey });
    const session = await wireSessions(base);
    const sqlitePath = config.database.kind === 'sqlite' && options.storage === undefined ? { sqlitePath: resolvePath(config.database.path) } : {};
    logger.info({ storage: storage.kind, ...sqlitePath, policyFiles: filePolicies.length, signingKey: session.signingKeys.current().kid }, 'kparty core ready');
    const metrics = new KpartyMetrics();
    const fetcher = countingFetcher(GuardedFetcher.fromConfig(config), (reason) => metrics.observeFetchFailure(reason));
    const { verification, issuerMetadata } = await wireVerification({ ...base, fetcher, trustAnchors });
    const policies = await wirePolicies({ ...base, filePolicies, verification });
    const { sessionFamilies, dpop } = await wireRefresh({ ...base, sessions: session.sessions, policies, status: verification.status });
    const signIn = wireSignIn({ ...base, verification, policies, sessions: session.sessions, families: sessionFamilies, metrics });
    const { oid4vp, didKeys, callbacks } = await wireOid4vp({ ...base, fetcher, signingKeys: session.signingKeys, verification, policies, signIn });
    const purges = { 'OpenID4VP requests': () => oid4vp.purgeExpired(), 'ended session families': () => sessionFamilies.purge() };
    const maintenance = await startMaintenance({ storage, clock, logger, ...session, auditRetentionDays: config.auditRetentionDays, purges });
    const limits = { perAddressPerMinute: config.rateLimitPerMinute, perPolicyPerMinute: config.rateLimitPerPolicyPerMinute };
    return {
      config,
      clock,
      storage,
      policies,
      challenges: new ChallengeService(policies, storage.challenges, clock, config.challengeTtl),
      authenticator: new ApiKeyAuthenticator(operatorKey.hash, storage.relyingParties),
      relyingParties: new RelyingPartyAdmin(storage.relyingParties, policies, clock, { production: config.production }),
      ...session,
      verification,
      signIn,
      metrics,
      fetcher,
      tokenExchange: new TokenExchange(policies, signIn),
      rateLimits: new WalletRateLimits(storage.rateLimiter ?? new MemoryRateLimiter(), limits, clock),
      trustAnchors,
      issuerMetadata,
      vcApi: new VcApiVerifier(verification, storage.challenges),
      sessionFamilies,
      dpop,
      oid4vp,
      oid4vpDidKeys: didKeys,
      close: async () => {
        callbacks.close();
        maintenance.stop();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
