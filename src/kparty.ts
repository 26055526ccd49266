import { resolve as resolvePath } from 'node:path';
import { ApiKeyAuthenticator } from './admin/authenticator.js';
import { resolveOperatorKey } from './admin/operator-key.js';
import { purgeExpiredAuditEvents } from './audit/retention.js';
import { ChallengeService } from './challenge/challenge-service.js';
import { systemClock, type Clock } from './core/clock.js';
import type { KpartyConfig } from './core/config.js';
import type { Logger } from './core/logger.js';
import type { Storage } from './core/ports/storage.js';
import type { Fetcher } from './core/ports/fetcher.js';
import { MemorySharedCache } from './cache/memory-shared-cache.js';
import { GuardedFetcher } from './net/guarded-fetcher.js';
import { createStatusCheckers } from './status/index.js';
import { PolicyCatalog } from './policy/policy-catalog.js';
import { loadPolicyFiles } from './policy/policy-files.js';
import { SessionIssuer } from './session/session-issuer.js';
import { SessionVerifier } from './session/session-verifier.js';
import { SigningKeyRotator } from './session/signing-key-rotation.js';
import { KEY_RING_REFRESH_MS, SigningKeyRing } from './session/signing-key-ring.js';
import { TokenExchange } from './signin/token-exchange.js';
import { openStorage } from './storage/open-storage.js';
import { failClosedStorage } from './storage/fail-closed-storage.js';
import { MemoryRateLimiter } from './storage/memory/memory-rate-limiter.js';
import { WalletRateLimits } from './ratelimit/wallet-rate-limits.js';
import { DidResolver } from './did/did-resolver.js';
import { DidJwkResolver } from './did/methods/jwk.js';
import { DidKeyResolver } from './did/methods/key.js';
import { DidWebResolver } from './did/methods/web.js';
import { DidDocumentCache } from './did/did-document-cache.js';
import { createFormatRegistry } from './formats/registered-formats.js';
import { didWebHostProblem, offlineDidProblem } from './did/policy-did-checks.js';
import { loadDidDrivers } from './did/drivers/did-drivers.js';
import { ConfigError } from './core/errors.js';
import { SignIn } from './signin/sign-in.js';
import { verificationsInFlight } from './crypto/offload-policy.js';
import type { VerificationDependencies } from './verification/verification-context.js';
import { KpartyMetrics } from './observability/metrics.js';
import { JsonLdContextSet } from './formats/data-integrity/json-ld-contexts.js';
import { Oid4vpService } from './oid4vp/oid4vp-service.js';
import { createClientIdentity, loadRelyingPartyIdentities } from './oid4vp/create-client-identity.js';
import type { DidWebRequestKeys } from './oid4vp/did-web-request-keys.js';
import { UNSEALED } from './oid4vp/secret-seal.js';
import { CallbackDispatcher } from './oid4vp/callback-dispatcher.js';
import { recordDecision } from './audit/record-decision.js';
import { countingFetcher } from './observability/counting-fetcher.js';
import { TrustAnchorStore } from './trust/trust-anchors.js';
import { JwtVcIssuerMetadataResolver } from './trust/jwt-vc-issuer-metadata.js';
import { anchoredChainValidator } from './formats/mdoc/chain-validator.js';

/** How often expired challenges and audit events past their retention are deleted. */
const MAINTENANCE_INTERVAL_MS = 60_000;

/** Everything the delivery layer (src/api) needs: the core wired to its adapters. */
export interface Kparty {
  readonly config: KpartyConfig;
  readonly clock: Clock;
  readonly storage: Storage;
  readonly policies: PolicyCatalog;
  readonly challenges: ChallengeService;
  readonly authenticator: ApiKeyAuthenticator;
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

/** Scheduled rotation (when due) and deletion of keys whose tokens have all expired; failures are logged, never thrown. */
async function maintainSigningKeys(storage: Storage, rotation: SigningKeyRotator, clock: Clock, logger: Logger): Promise<void> {
  try {
    const rotated = await rotation.rotateIfDue();
    if (rotated) {
      logger.info({ kid: rotated.kid, activatesAt: new Date(rotated.activatesAt).toISOString() }, 'session signing key rotated on schedule');
    }
    const deleted = await storage.signingKeys.deleteExpired(clock.now());
    if (deleted > 0) logger.info({ deleted }, 'deleted session signing keys whose tokens have all expired');
  } catch (error) {
    logger.warn({ err: error }, 'session signing key maintenance failed');
  }
}

/** The composition root: opens storage (migrating it), loads policy files and keys. Framework-free. */
export async function createKparty(config: KpartyConfig, options: KpartyOptions): Promise<Kparty> {
  const clock = options.clock ?? systemClock;
  const filePolicies = config.policiesDir ? await loadPolicyFiles(config.policiesDir, config) : [];
  // A bad anchor folder stops start-up with a ConfigError naming KPARTY_TRUST_ANCHORS.
  const trustAnchors = config.trustAnchorsDir ? await TrustAnchorStore.fromFolder(config.trustAnchorsDir) : TrustAnchorStore.empty();
  // Every storage failure after this line is a 503 service.unavailable (fail closed).
  const storage = failClosedStorage(options.storage ?? (await openStorage(config, options.logger)));
  try {
    const operatorKey = await resolveOperatorKey(config.adminKey, storage.settings);
    if (operatorKey.generated) {
      // Shown once, like an initial admin password; only its hash is stored.
      options.logger.warn(
        { operatorKey: operatorKey.generated },
        'KPARTY_ADMIN_KEY is not set: generated an operator key. Store it now; it will not be shown again.',
      );
      options.onGeneratedOperatorKey?.(operatorKey.generated);
    }
    const signingKeys = await SigningKeyRing.open(storage.signingKeys, clock);
    const sessions = new SessionIssuer(signingKeys, clock, {
      issuer: config.issuer,
      defaultTtl: config.sessionTtl,
      maxTtl: config.sessionMaxTtl,
    });
    const sessionVerifier = new SessionVerifier(signingKeys, storage.sessionDenylist, clock, {
      issuer: config.issuer,
      clockSkew: config.clockSkew,
    });
    const keyRotation = new SigningKeyRotator(
      storage.signingKeys,
      clock,
      {
        leadSeconds: config.keyRotationLead,
        intervalSeconds: config.keyRotationInterval,
        sessionMaxTtl: config.sessionMaxTtl,
        clockSkew: config.clockSkew,
      },
      signingKeys,
    );
    options.logger.info(
      {
        storage: storage.kind,
        ...(config.database.kind === 'sqlite' && options.storage === undefined ? { sqlitePath: resolvePath(config.database.path) } : {}),
        policyFiles: filePolicies.length,
        signingKey: signingKeys.current().kid,
      },
      'kparty core ready',
    );
    const metrics = new KpartyMetrics();
    const fetcher = countingFetcher(GuardedFetcher.fromConfig(config), (reason) => metrics.observeFetchFailure(reason));
    // Shared by replicas through Redis when REDIS_URL is set; bounded in process otherwise.
    const sharedCache = storage.sharedCache ?? new MemorySharedCache({ clock });
    const documents = new DidDocumentCache({ cache: sharedCache, clock, lifetimes: config.didCache });
    const didWeb = new DidWebResolver({ fetcher, allow: config.outboundAllow, documents });
    // https SD-JWT VC issuers and status-list signers: /.well-known/jwt-vc-issuer, cached like DID documents.
    const issuerMetadata = new JwtVcIssuerMetadataResolver({ fetcher, allow: config.outboundAllow, cache: documents });
    const drivers = await loadDidDrivers(config.didDrivers, {
      documents,
      fetcher,
      timeoutMs: config.fetchTimeoutMs,
      maxBytes: config.fetchMaxBytes,
      logger: options.logger,
    });
    const dids = new DidResolver([new DidKeyResolver(), new DidJwkResolver(), didWeb, ...drivers]);
    // Data Integrity: the pinned JSON-LD contexts (bundled + KPARTY_JSONLD_CONTEXTS) and the caps; a bad folder stops start-up.
    const jsonldContexts = config.jsonldContextsDir !== undefined ? await JsonLdContextSet.withFolder(config.jsonldContextsDir) : JsonLdContextSet.bundled();
    const dataIntegrity = { contexts: jsonldContexts, limits: config.dataIntegrity, clock, clockSkewSeconds: config.clockSkew };
    const formats = createFormatRegistry({
      dids,
      fetcher,
      trustAnchors,
      issuerMetadata,
      challengeTtlSeconds: config.challengeTtl,
      mdocLimits: config.mdocLimits,
      dataIntegrity: { contexts: jsonldContexts, limits: config.dataIntegrity },
    });
    const policies = new PolicyCatalog(storage.policies, clock, config, filePolicies, {
      didMethods: dids.supportedMethods,
      offlineDidProblem: offlineDidProblem(dids, config.outboundAllow),
      didWebHostProblem: didWebHostProblem(config.outboundAllow),
      credentialFormats: new Set(formats.credentialFormats.map((f) => f.id)),
    });
    const filePolicyCheck = await policies.checkFilePolicies();
    if (filePolicyCheck.problems.length > 0) {
      throw new ConfigError(`KPARTY_POLICIES_DIR: policies that can never be satisfied:\n  ${filePolicyCheck.problems.join('\n  ')}`);
    }
    for (const warning of filePolicyCheck.warnings) options.logger.warn({ policyWarning: warning }, 'policy file warning');
    const status = createStatusCheckers(
      {
        fetcher,
        dids,
        sharedCache,
        anchors: trustAnchors,
        metadata: issuerMetadata,
        clock,
        // Status List Tokens in CWT form (mdoc MSO `status`) are trusted through their x5chain to the anchors.
        dataIntegrity,
        statusListCwt: { validateChain: anchoredChainValidator(trustAnchors), clock, clockSkewSeconds: config.clockSkew },
      },
      {
        minTtlSeconds: config.statusCacheMinTtl,
        maxTtlSeconds: config.statusCacheMaxTtl,
        staleGraceSeconds: config.statusStaleGrace,
        clockSkewSeconds: config.clockSkew,
        maxListBytes: config.statusMaxListBytes,
      },
    );
    const verification: VerificationDependencies = {
      formats,
      dids,
      nonces: storage.challenges,
      clock,
      clockSkewSeconds: config.clockSkew,
      status,
      maxErrors: config.maxErrors,
    };
    const signIn = new SignIn({
      verification,
      policies,
      sessions,
      auditLog: storage.auditLog,
      audit: { clock, logger: options.logger, logHolder: config.logHolder },
      inFlight: verificationsInFlight,
      maxResponseBytes: config.maxResponseBytes,
      observeDecision: (outcome, codes) => metrics.observeDecision(outcome, codes),
    });
    // The secret seal is the seam for KPARTY_SECRET_KEY encryption at rest (src/oid4vp/secret-seal.ts).
    const { identity, didKeys } = await createClientIdentity(config, storage.settings, UNSEALED, clock);
    const relyingPartyIdentities = await loadRelyingPartyIdentities(config);
    const callbacks = new CallbackDispatcher({ fetcher, keys: signingKeys, clock, logger: options.logger, issuer: config.issuer, attempts: config.oid4vp.callbackAttempts });
    const oid4vp = new Oid4vpService(
      {
        store: storage.oid4vpRequests,
        formats: verification.formats,
        policies,
        relyingParties: storage.relyingParties,
        identity,
        relyingPartyIdentities,
        signIn,
        clock,
        seal: UNSEALED,
        onDecision: (record) => callbacks.notify(record),
        auditRejection: async (decision) => {
          await recordDecision(storage.auditLog, { ...decision, outcome: 'rejected', credentialIssuers: [] }, { clock, logger: options.logger });
        },
      },
      { issuer: config.issuer, requestTtl: config.oid4vp.requestTtl, resultTtl: config.oid4vp.resultTtl, production: config.production },
    );
    const maintain = async (): Promise<void> => {
      await oid4vp.purgeExpired().catch((error: unknown) => {
        options.logger.warn({ err: error }, 'purging expired OpenID4VP requests failed');
      });
      // Expired challenges can no longer be consumed; delete them so the table stays small.
      await storage.challenges.purgeExpired(clock.now()).catch((error: unknown) => {
        options.logger.warn({ err: error }, 'purging expired challenges failed');
      });
      await purgeExpiredAuditEvents(storage.auditLog, clock.now(), config.auditRetentionDays, options.logger);
      await storage.sessionDenylist.purgeExpired(clock.now()).catch((error: unknown) => {
        options.logger.warn({ err: error }, 'purging expired session revocations failed');
      });
      await maintainSigningKeys(storage, keyRotation, clock, options.logger);
    };
    // Once at start too: a process restarted more often than the interval would otherwise never purge.
    await maintain();
    const purge = setInterval(() => void maintain(), MAINTENANCE_INTERVAL_MS);
    purge.unref();
    // Rotations by other processes or replicas: seen within this interval (and at once for an unknown kid).
    const reloadKeys = setInterval(() => {
      signingKeys.refresh().catch((error: unknown) => options.logger.warn({ err: error }, 'reloading session signing keys failed'));
    }, KEY_RING_REFRESH_MS);
    reloadKeys.unref();
    return {
      config,
      clock,
      storage,
      policies,
      challenges: new ChallengeService(policies, storage.challenges, clock, config.challengeTtl),
      authenticator: new ApiKeyAuthenticator(operatorKey.hash, storage.relyingParties),
      signingKeys,
      sessions,
      sessionVerifier,
      keyRotation,
      verification,
      signIn,
      metrics,
      fetcher,
      tokenExchange: new TokenExchange(policies, signIn),
      trustAnchors,
      issuerMetadata,
      rateLimits: new WalletRateLimits(
        storage.rateLimiter ?? new MemoryRateLimiter(),
        { perAddressPerMinute: config.rateLimitPerMinute, perPolicyPerMinute: config.rateLimitPerPolicyPerMinute },
        clock,
      ),
      oid4vp,
      oid4vpDidKeys: didKeys,
      close: async () => {
        callbacks.close();
        clearInterval(purge);
        clearInterval(reloadKeys);
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
