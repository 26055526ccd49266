import { ApiKeyAuthenticator } from './admin/authenticator.js';
import { resolveOperatorKey } from './admin/operator-key.js';
import { purgeExpiredAuditEvents } from './audit/retention.js';
import { ChallengeService } from './challenge/challenge-service.js';
import { systemClock, type Clock } from './core/clock.js';
import type { KpartyConfig } from './core/config.js';
import type { Logger } from './core/logger.js';
import type { Storage } from './core/ports/storage.js';
import { PolicyCatalog } from './policy/policy-catalog.js';
import { loadPolicyFiles } from './policy/policy-files.js';
import { SessionIssuer } from './session/session-issuer.js';
import { SigningKeyRing } from './session/signing-key-ring.js';
import { openStorage } from './storage/open-storage.js';
import { DidResolver } from './did/did-resolver.js';
import { DidJwkResolver } from './did/methods/jwk.js';
import { DidKeyResolver } from './did/methods/key.js';
import { PresentationFormatRegistry } from './formats/format-registry.js';
import { jwtVpFormat } from './formats/jwt-vc/jwt-vp-format.js';
import { vpJwtFormat } from './formats/vc-jose/vp-jwt-format.js';
import { VerificationService } from './verification/verification-service.js';

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
  readonly verification: VerificationService;
  close(): Promise<void>;
}

export interface KpartyOptions {
  logger: Logger;
  clock?: Clock;
  /** Defaults to the storage DATABASE_URL names. */
  storage?: Storage;
}

/** The composition root: opens storage (migrating it), loads policy files and keys. Framework-free. */
export async function createKparty(config: KpartyConfig, options: KpartyOptions): Promise<Kparty> {
  const clock = options.clock ?? systemClock;
  const filePolicies = config.policiesDir ? await loadPolicyFiles(config.policiesDir, config) : [];
  const storage = options.storage ?? openStorage(config);
  try {
    const operatorKey = await resolveOperatorKey(config.adminKey, storage.settings);
    if (operatorKey.generated) {
      // Shown once, like an initial admin password; only its hash is stored.
      options.logger.warn(
        { operatorKey: operatorKey.generated },
        'KPARTY_ADMIN_KEY is not set: generated an operator key. Store it now; it will not be shown again.',
      );
    }
    const policies = new PolicyCatalog(storage.policies, clock, config, filePolicies);
    const signingKeys = await SigningKeyRing.open(storage.signingKeys, clock);
    const sessions = new SessionIssuer(signingKeys, clock, {
      issuer: config.issuer,
      defaultTtl: config.sessionTtl,
      maxTtl: config.sessionMaxTtl,
    });
    options.logger.info(
      { storage: storage.kind, policyFiles: filePolicies.length, signingKey: signingKeys.current().kid },
      'kparty core ready',
    );
    const verification = new VerificationService(
      {
        formats: new PresentationFormatRegistry([jwtVpFormat, vpJwtFormat]),
        dids: new DidResolver([new DidKeyResolver(), new DidJwkResolver()]),
        nonces: storage.challenges,
        clock,
        clockSkewSeconds: config.clockSkew,
      },
      policies,
      sessions,
      storage.auditLog,
      { clock, logger: options.logger },
    );
    const maintain = async (): Promise<void> => {
      // Expired challenges can no longer be consumed; delete them so the table stays small.
      await storage.challenges.purgeExpired(clock.now()).catch((error: unknown) => {
        options.logger.warn({ err: error }, 'purging expired challenges failed');
      });
      await purgeExpiredAuditEvents(storage.auditLog, clock.now(), config.auditRetentionDays, options.logger);
    };
    // Once at start too: a process restarted more often than the interval would otherwise never purge.
    await maintain();
    const purge = setInterval(() => void maintain(), MAINTENANCE_INTERVAL_MS);
    purge.unref();
    return {
      config,
      clock,
      storage,
      policies,
      challenges: new ChallengeService(policies, storage.challenges, clock, config.challengeTtl),
      authenticator: new ApiKeyAuthenticator(operatorKey.hash, storage.relyingParties),
      signingKeys,
      sessions,
      verification,
      close: async () => {
        clearInterval(purge);
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
