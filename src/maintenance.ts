/**
 * The background work of one kparty process, on a timer (docs/operations.md):
 * expired challenges, session revocations and OpenID4VP requests purged, audit events past
 * KPARTY_AUDIT_RETENTION_DAYS deleted, the session-signing key rotated when
 * due and keys whose tokens have all expired deleted; and the key ring
 * reloaded so rotations by other replicas are seen. Failures are logged,
 * never thrown.
 */
import { purgeExpiredAuditEvents } from './audit/retention.js';
import type { Clock } from './core/clock.js';
import type { Logger } from './core/logger.js';
import type { Storage } from './core/ports/storage.js';
import { KEY_RING_REFRESH_MS, type SigningKeyRing } from './session/signing-key-ring.js';
import type { SigningKeyRotator } from './session/signing-key-rotation.js';

/** How often expired challenges and audit events past their retention are deleted. */
export const MAINTENANCE_INTERVAL_MS = 60_000;

export interface MaintenanceDependencies {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  signingKeys: SigningKeyRing;
  keyRotation: SigningKeyRotator;
  /** KPARTY_AUDIT_RETENTION_DAYS (0: keep forever). */
  auditRetentionDays: number;
  /** Other expired state to purge each round (OpenID4VP requests), by name for the log. */
  purges?: Record<string, () => Promise<unknown>>;
}

export interface Maintenance {
  stop(): void;
}

/** Scheduled rotation (when due) and deletion of keys whose tokens have all expired. */
async function maintainSigningKeys({ storage, keyRotation, clock, logger }: MaintenanceDependencies): Promise<void> {
  try {
    const rotated = await keyRotation.rotateIfDue();
    if (rotated) {
      logger.info({ kid: rotated.kid, activatesAt: new Date(rotated.activatesAt).toISOString() }, 'session signing key rotated on schedule');
    }
    const deleted = await storage.signingKeys.deleteExpired(clock.now());
    if (deleted > 0) logger.info({ deleted }, 'deleted session signing keys whose tokens have all expired');
  } catch (error) {
    logger.warn({ err: error }, 'session signing key maintenance failed');
  }
}

/** One round of maintenance (see above). */
export async function maintainOnce(deps: MaintenanceDependencies): Promise<void> {
  const { storage, clock, logger } = deps;
  for (const [name, purge] of Object.entries(deps.purges ?? {})) {
    await purge().catch((error: unknown) => logger.warn({ err: error }, `purging expired ${name} failed`));
  }
  // Expired challenges can no longer be consumed; delete them so the table stays small.
  await storage.challenges.purgeExpired(clock.now()).catch((error: unknown) => {
    logger.warn({ err: error }, 'purging expired challenges failed');
  });
  await purgeExpiredAuditEvents(storage.auditLog, clock.now(), deps.auditRetentionDays, logger);
  await storage.sessionDenylist.purgeExpired(clock.now()).catch((error: unknown) => {
    logger.warn({ err: error }, 'purging expired session revocations failed');
  });
  await maintainSigningKeys(deps);
}

/** Runs a round now (a process restarted more often than the interval would otherwise never purge), then on timers. */
export async function startMaintenance(deps: MaintenanceDependencies): Promise<Maintenance> {
  await maintainOnce(deps);
  const purge = setInterval(() => void maintainOnce(deps), MAINTENANCE_INTERVAL_MS);
  purge.unref();
  // Rotations by other processes or replicas: seen within this interval (and at once for an unknown kid).
  const reloadKeys = setInterval(() => {
    deps.signingKeys.refresh().catch((error: unknown) => deps.logger.warn({ err: error }, 'reloading session signing keys failed'));
  }, KEY_RING_REFRESH_MS);
  reloadKeys.unref();
  return {
    stop() {
      clearInterval(purge);
      clearInterval(reloadKeys);
    },
  };
}
