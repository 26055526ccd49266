import type { Pool } from 'pg';
import type { Storage } from '../../core/ports/storage.js';
import { createPostgresPool, redactedUrl, type PostgresConnectionOptions } from './connection.js';
import { applyPostgresMigrations } from './migrate.js';
import { PostgresAuditLog } from './postgres-audit-log.js';
import { PostgresNonceStore } from './postgres-nonce-store.js';
import { PostgresOid4vpRequestStore } from './postgres-oid4vp-request-store.js';
import { PostgresPolicyStore } from './postgres-policy-store.js';
import { systemClock } from '../../core/clock.js';
import type { PolicyStore } from '../../core/ports/policy-store.js';
import { CachedPolicyStore } from '../cached-policy-store.js';
import { PostgresPolicyChangeListener } from './policy-change-listener.js';
import { PostgresSessionDenylist } from './postgres-session-denylist.js';
import { PostgresRelyingPartyStore } from './postgres-relying-party-store.js';
import { PostgresSettingsStore } from './postgres-settings-store.js';
import { PostgresSigningKeyStore } from './postgres-signing-key-store.js';

/** Most policies one process keeps cached (each a few KB at most). */
export const POLICY_CACHE_CAPACITY = 1000;

/**
 * Every port on one PostgreSQL connection pool: the storage of replicas on
 * several machines. Every atomic operation is one statement or one
 * transaction, so it holds across processes. pg's errors (connection refused,
 * terminated, timeouts, constraint violations) propagate unchanged; the
 * composition root turns them into 503 `service.unavailable`.
 */
export class PostgresStorage implements Storage {
  readonly kind = 'postgres';
  readonly relyingParties: PostgresRelyingPartyStore;
  /** Cached in process when a change listener is given (KPARTY_POLICY_CACHE_MAX_AGE > 0). */
  readonly policies: PolicyStore;
  readonly signingKeys: PostgresSigningKeyStore;
  readonly challenges: PostgresNonceStore;
  readonly settings: PostgresSettingsStore;
  readonly auditLog: PostgresAuditLog;
  readonly sessionDenylist: PostgresSessionDenylist;
  readonly oid4vpRequests: PostgresOid4vpRequestStore;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly policyChanges?: { listener: PostgresPolicyChangeListener; maxAgeMs: number },
  ) {
    this.relyingParties = new PostgresRelyingPartyStore(pool);
    const policies = new PostgresPolicyStore(pool);
    this.policies = policyChanges
      ? new CachedPolicyStore(policies, policyChanges.listener, systemClock, { capacity: POLICY_CACHE_CAPACITY, maxAgeMs: policyChanges.maxAgeMs })
      : policies;
    this.signingKeys = new PostgresSigningKeyStore(pool);
    this.challenges = new PostgresNonceStore(pool);
    this.settings = new PostgresSettingsStore(pool);
    this.auditLog = new PostgresAuditLog(pool);
    this.sessionDenylist = new PostgresSessionDenylist(pool);
    this.oid4vpRequests = new PostgresOid4vpRequestStore(pool);
  }

  async ping(): Promise<void> {
    if (this.closing) throw new Error('PostgreSQL storage is closed');
    await this.pool.query('SELECT 1');
  }

  /** Ends the pool once, after its checked-out connections are released; may be called again. */
  async close(): Promise<void> {
    this.closing ??= Promise.all([this.policyChanges?.listener.close(), this.pool.end()]).then(() => undefined);
    await this.closing;
  }
}

/**
 * Connects to PostgreSQL, migrates the schema and returns the storage. When
 * the server cannot be reached the error names DATABASE_URL (password
 * hidden), for a one-line start-up failure.
 */
export async function openPostgresStorage(
  options: PostgresConnectionOptions & {
    /** KPARTY_POLICY_CACHE_MAX_AGE in ms; 0 or absent: policies are read from the database on every request. */
    policyCacheMaxAgeMs?: number;
  },
): Promise<PostgresStorage> {
  const pool = createPostgresPool(options);
  try {
    await applyPostgresMigrations(pool, options.schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open PostgreSQL at DATABASE_URL ${redactedUrl(options.url)}: ${reason}`, { cause: error });
  }
  const maxAgeMs = options.policyCacheMaxAgeMs ?? 0;
  if (maxAgeMs <= 0) return new PostgresStorage(pool);
  const listener = new PostgresPolicyChangeListener(options, options.logger);
  // Not fatal when it fails: the cache stays off (reads go to the database) until the listener connects.
  await listener.start();
  return new PostgresStorage(pool, { listener, maxAgeMs });
}
