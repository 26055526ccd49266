/**
 * The parts the composition root (kparty.ts) assembles, each from named
 * dependencies: session machinery, verification (DID resolution, issuer
 * trust, status lists, formats) and the OpenID4VP verifier. Framework-free.
 */
import { recordDecision } from './audit/record-decision.js';
import { resolveOperatorKey } from './admin/operator-key.js';
import { MemorySharedCache } from './cache/memory-shared-cache.js';
import type { Clock } from './core/clock.js';
import type { KpartyConfig } from './core/config.js';
import { ConfigError } from './core/errors.js';
import type { Logger } from './core/logger.js';
import type { StoredPolicy } from './core/model/policy.js';
import type { Fetcher } from './core/ports/fetcher.js';
import type { Storage } from './core/ports/storage.js';
import { DidDocumentCache } from './did/did-document-cache.js';
import { DidResolver } from './did/did-resolver.js';
import { DidJwkResolver } from './did/methods/jwk.js';
import { DidKeyResolver } from './did/methods/key.js';
import { DidWebResolver } from './did/methods/web.js';
import { loadDidDrivers } from './did/drivers/did-drivers.js';
import { didWebHostProblem, offlineDidProblem } from './did/policy-did-checks.js';
import { JsonLdContextSet } from './formats/data-integrity/json-ld-contexts.js';
import { anchoredChainValidator } from './formats/mdoc/chain-validator.js';
import { createFormatRegistry } from './formats/registered-formats.js';
import { CallbackDispatcher } from './oid4vp/callback-dispatcher.js';
import { createClientIdentity, loadRelyingPartyIdentities } from './oid4vp/create-client-identity.js';
import type { DidWebRequestKeys } from './oid4vp/did-web-request-keys.js';
import { Oid4vpService } from './oid4vp/oid4vp-service.js';
import { secretBoxFromConfig, textSeal } from './crypto/secret-box.js';
import { InflationPool, requestBudgets } from './net/request-budget.js';
import { PolicyCatalog } from './policy/policy-catalog.js';
import { SessionIssuer } from './session/session-issuer.js';
import { SessionFamilies } from './session/refresh/session-families.js';
import { DpopProofs } from './session/dpop/dpop-proofs.js';
import { DpopNonces } from './guard/dpop.js';
import { MemoryProofReplayCache } from './storage/memory/memory-proof-replay-cache.js';
import type { StatusCheckerRegistry } from './status/index.js';
import { SessionVerifier } from './session/session-verifier.js';
import { SigningKeyRing } from './session/signing-key-ring.js';
import { SigningKeyRotator } from './session/signing-key-rotation.js';
import { SignIn } from './signin/sign-in.js';
import { verificationsInFlight } from './crypto/offload-policy.js';
import type { KpartyMetrics } from './observability/metrics.js';
import { createStatusCheckers } from './status/index.js';
import { JwtVcIssuerMetadataResolver } from './trust/jwt-vc-issuer-metadata.js';
import type { TrustAnchorStore } from './trust/trust-anchors.js';
import type { VerificationDependencies } from './verification/verification-context.js';

export interface SessionParts {
  signingKeys: SigningKeyRing;
  sessions: SessionIssuer;
  sessionVerifier: SessionVerifier;
  keyRotation: SigningKeyRotator;
}

/** The session-signing key ring (opened from storage, generating the first key), the issuer, the verifier and the rotator. */
export async function wireSessions({ storage, clock, config }: { storage: Storage; clock: Clock; config: KpartyConfig }): Promise<SessionParts> {
  const signingKeys = await SigningKeyRing.open(storage.signingKeys, clock);
  const rotation = {
    leadSeconds: config.keyRotationLead,
    intervalSeconds: config.keyRotationInterval,
    sessionMaxTtl: config.sessionMaxTtl,
    clockSkew: config.clockSkew,
  };
  return {
    signingKeys,
    sessions: new SessionIssuer(signingKeys, clock, { issuer: config.issuer, defaultTtl: config.sessionTtl, maxTtl: config.sessionMaxTtl }),
    sessionVerifier: new SessionVerifier(signingKeys, storage.sessionDenylist, clock, { issuer: config.issuer, clockSkew: config.clockSkew }),
    keyRotation: new SigningKeyRotator(storage.signingKeys, clock, rotation, signingKeys),
  };
}

export interface VerificationParts {
  verification: VerificationDependencies;
  /** Keys of https credential issuers (jwt-vc-issuer metadata), through the guarded fetcher. */
  issuerMetadata: JwtVcIssuerMetadataResolver;
}

/**
 * What the checks table needs: DID methods (did:web through the guarded
 * fetcher and the shared document cache — Redis when configured, bounded in
 * process otherwise — and the KPARTY_DID_DRIVERS packages), issuer trust (anchors, jwt-vc-issuer metadata), the
 * pinned JSON-LD contexts (a bad KPARTY_JSONLD_CONTEXTS folder stops
 * start-up), the status mechanisms over one list source, the registered
 * formats, the challenge store.
 */
export async function wireVerification(deps: {
  storage: Storage;
  clock: Clock;
  config: KpartyConfig;
  fetcher: Fetcher;
  trustAnchors: TrustAnchorStore;
  logger: Logger;
}): Promise<VerificationParts> {
  const { storage, clock, config, fetcher, trustAnchors } = deps;
  const sharedCache = storage.sharedCache ?? new MemorySharedCache({ clock });
  const documents = new DidDocumentCache({ cache: sharedCache, clock, lifetimes: config.didCache });
  const driverOptions = { documents, fetcher, timeoutMs: config.fetchTimeoutMs, maxBytes: config.fetchMaxBytes, logger: deps.logger };
  const drivers = await loadDidDrivers(config.didDrivers, driverOptions);
  const didWeb = new DidWebResolver({ fetcher, allow: config.outboundAllow, documents });
  const dids = new DidResolver([new DidKeyResolver(), new DidJwkResolver(), didWeb, ...drivers]);
  // https SD-JWT VC issuers and status-list signers: /.well-known/jwt-vc-issuer, cached like DID documents.
  const issuerMetadata = new JwtVcIssuerMetadataResolver({ fetcher, allow: config.outboundAllow, cache: documents });
  const contexts = config.jsonldContextsDir !== undefined ? await JsonLdContextSet.withFolder(config.jsonldContextsDir) : JsonLdContextSet.bundled();
  const status = createStatusCheckers(
    {
      fetcher,
      dids,
      sharedCache,
      anchors: trustAnchors,
      metadata: issuerMetadata,
      clock,
      dataIntegrity: { contexts, limits: config.dataIntegrity, clock, clockSkewSeconds: config.clockSkew },
      // Status List Tokens in CWT form (mdoc MSO `status`) are trusted through their x5chain to the anchors.
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
  const formats = createFormatRegistry({
    dids,
    fetcher,
    trustAnchors,
    issuerMetadata,
    challengeTtlSeconds: config.challengeTtl,
    mdocLimits: config.mdocLimits,
    dataIntegrity: { contexts, limits: config.dataIntegrity },
  });
  // Per-request budgets (distinct fetches, inflated bytes) and the process-wide inflation pool: docs/security.md.
  const budgets = requestBudgets(config.requestBudget, new InflationPool(config.requestBudget.inflateBudgetBytes));
  const verification = { formats, dids, nonces: storage.challenges, clock, clockSkewSeconds: config.clockSkew, status, maxErrors: config.maxErrors, budgets };
  return { verification, issuerMetadata };
}

/**
 * The policy catalog (stored policies over the operator's files), checking
 * policies against what this deployment can verify (DID methods, formats,
 * reachable did:web hosts). A policy file that can never be satisfied stops
 * start-up (ConfigError); a merely suspicious one is logged.
 */
export async function wirePolicies(deps: {
  storage: Storage;
  clock: Clock;
  config: KpartyConfig;
  filePolicies: StoredPolicy['policy'][];
  verification: VerificationDependencies;
  logger: Logger;
}): Promise<PolicyCatalog> {
  const { config, verification } = deps;
  const policies = new PolicyCatalog(deps.storage.policies, deps.clock, config, deps.filePolicies, deps.storage.relyingParties, {
    didMethods: verification.dids.supportedMethods,
    offlineDidProblem: offlineDidProblem(verification.dids, config.outboundAllow),
    didWebHostProblem: didWebHostProblem(config.outboundAllow),
    credentialFormats: new Set(verification.formats.credentialFormats.map((f) => f.id)),
  });
  const fileCheck = await policies.checkFilePolicies();
  if (fileCheck.problems.length > 0) {
    throw new ConfigError(`KPARTY_POLICIES_DIR: policies that can never be satisfied:\n  ${fileCheck.problems.join('\n  ')}`);
  }
  for (const warning of fileCheck.warnings) deps.logger.warn({ policyWarning: warning }, 'policy file warning');
  const fileClash = await policies.fileAudienceClash();
  if (fileClash) throw new ConfigError(`KPARTY_POLICIES_DIR: ${fileClash}; an audience belongs to one relying party`);
  return policies;
}

export interface Oid4vpParts {
  oid4vp: Oid4vpService;
  /** kparty's own did:web request-signing keys (served at /.well-known/did.json). */
  didKeys: DidWebRequestKeys;
  /** Relying-party callbacks (stopped on close). */
  callbacks: CallbackDispatcher;
}

/** The OpenID4VP 1.0 verifier (src/oid4vp, docs/oid4vp.md) over the sign-in use case, with its client identity and callbacks. */
export async function wireOid4vp(deps: {
  config: KpartyConfig;
  storage: Storage;
  clock: Clock;
  logger: Logger;
  fetcher: Fetcher;
  signingKeys: SigningKeyRing;
  verification: VerificationDependencies;
  policies: PolicyCatalog;
  signIn: SignIn;
}): Promise<Oid4vpParts> {
  const { config, storage, clock, logger } = deps;
  // The secret seal is the seam for KPARTY_SECRET_KEY encryption at rest (src/oid4vp/secret-seal.ts).
  // KPARTY_SECRET_KEY seals the OpenID4VP secrets at rest through the SecretBox port (docs/security.md, "Secrets at rest").
  const secretBox = secretBoxFromConfig(config.secretKeys);
  const { identity, didKeys } = await createClientIdentity(config, storage.settings, textSeal(secretBox, 'oid4vp:request-signing-key'), clock);
  // KPARTY_OID4VP_RP_CERTIFICATES: relying parties that sign under their own certificate (docs/oid4vp.md).
  const relyingPartyIdentities = await loadRelyingPartyIdentities(config);
  const callbacks = new CallbackDispatcher({
    fetcher: deps.fetcher,
    keys: deps.signingKeys,
    clock,
    logger,
    issuer: config.issuer,
    attempts: config.oid4vp.callbackAttempts,
  });
  const oid4vp = new Oid4vpService(
    {
      store: storage.oid4vpRequests,
      formats: deps.verification.formats,
      policies: deps.policies,
      relyingParties: storage.relyingParties,
      identity,
      relyingPartyIdentities,
      signIn: deps.signIn,
      clock,
      seal: textSeal(secretBox, 'oid4vp:response-encryption-key'),
      onDecision: (record) => callbacks.notify(record),
      auditRejection: async (decision) => {
        await recordDecision(storage.auditLog, { ...decision, outcome: 'rejected', credentialIssuers: [] }, { clock, logger });
      },
    },
    { issuer: config.issuer, requestTtl: config.oid4vp.requestTtl, resultTtl: config.oid4vp.resultTtl, production: config.production },
  );
  return { oid4vp, didKeys, callbacks };
}

/** Settings name of the secret every replica shares for DPoP nonces (KPARTY_DPOP_NONCE). */
const DPOP_NONCE_SECRET_SETTING = 'dpop_nonce_secret';

/**
 * Refresh-token families (rotation, reuse detection, status re-checks: docs/sessions.md) and RFC 9449 DPoP proofs
 * at kparty's own endpoints, single use across replicas (Redis when configured, process memory otherwise).
 */
export async function wireRefresh(deps: {
  storage: Storage;
  clock: Clock;
  config: KpartyConfig;
  logger: Logger;
  sessions: SessionIssuer;
  policies: PolicyCatalog;
  status: StatusCheckerRegistry;
}): Promise<{ sessionFamilies: SessionFamilies; dpop: DpopProofs }> {
  const { storage, clock, config, logger, policies } = deps;
  const sessionFamilies = new SessionFamilies({
    store: storage.sessionFamilies,
    denylist: storage.sessionDenylist,
    sessions: deps.sessions,
    clock,
    auditLog: storage.auditLog,
    audit: { clock, logger },
    findPolicy: async (id) => (await policies.find(id))?.policy,
    status: deps.status,
    options: { issuer: config.issuer, reuseGraceSeconds: config.refreshReuseGrace, clockSkewSeconds: config.clockSkew },
  });
  const nonceSecret = config.dpopNonce
    ? await storage.settings.setIfAbsent(DPOP_NONCE_SECRET_SETTING, DpopNonces.randomSecret().toString('base64url'))
    : undefined;
  const dpop = new DpopProofs(storage.proofReplay ?? new MemoryProofReplayCache(), clock, {
    windowSeconds: config.dpopProofWindow,
    clockSkewSeconds: config.clockSkew,
    maxProofBytes: config.dpopMaxProofBytes,
    ...(nonceSecret !== undefined ? { nonces: new DpopNonces(nonceSecret, config.dpopProofWindow) } : {}),
  });
  return { sessionFamilies, dpop };
}

/**
 * The operator key (KPARTY_ADMIN_KEY, or generated on first start and shown once, like an initial admin password;
 * only its hash is stored), and the production warning when private keys are stored without KPARTY_SECRET_KEY.
 */
export async function wireOperatorKey(deps: {
  config: KpartyConfig;
  storage: Storage;
  logger: Logger;
  onGenerated?: ((key: string) => void) | undefined;
}): Promise<{ hash: string }> {
  const { config, storage, logger } = deps;
  if (config.production && !config.secretKeys) {
    logger.warn(
      {},
      'KPARTY_SECRET_KEY is not set: private keys (the session-signing keys) are stored in the database in clear; set it to 32 random bytes (docs/security.md, "Secrets at rest")',
    );
  }
  const operatorKey = await resolveOperatorKey(config.adminKey, storage.settings);
  if (operatorKey.generated) {
    logger.warn({ operatorKey: operatorKey.generated }, 'KPARTY_ADMIN_KEY is not set: generated an operator key. Store it now; it will not be shown again.');
    deps.onGenerated?.(operatorKey.generated);
  }
  return { hash: operatorKey.hash };
}

/** The sign-in use case (verify → audit → issue) the three doors share, counted in the metrics. */
export function wireSignIn(deps: {
  config: KpartyConfig;
  storage: Storage;
  logger: Logger;
  verification: VerificationDependencies;
  policies: PolicyCatalog;
  sessions: SessionIssuer;
  families: SessionFamilies;
  metrics: KpartyMetrics;
}): SignIn {
  const { config, storage, metrics } = deps;
  return new SignIn({
    verification: deps.verification,
    policies: deps.policies,
    sessions: deps.sessions,
    auditLog: storage.auditLog,
    logger: deps.logger,
    logHolder: config.logHolder,
    inFlight: verificationsInFlight,
    observeDecision: (outcome, codes) => metrics.observeDecision(outcome, codes),
    maxResponseBytes: config.maxResponseBytes,
    families: deps.families,
  });
}
