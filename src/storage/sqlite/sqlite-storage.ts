import type { Database, Statement } from 'better-sqlite3';
import type { Storage } from '../../core/ports/storage.js';
import { openSqliteDatabase } from './database.js';
import { SqliteAuditLog } from './sqlite-audit-log.js';
import { SqliteNonceStore } from './sqlite-nonce-store.js';
import { SqliteOid4vpRequestStore } from './sqlite-oid4vp-request-store.js';
import { SqlitePolicyStore } from './sqlite-policy-store.js';
import { SqliteRelyingPartyStore } from './sqlite-relying-party-store.js';
import { SqliteSessionDenylist } from './sqlite-session-denylist.js';
import { SqliteSessionFamilyStore } from './sqlite-session-family-store.js';
import { SqliteSettingsStore } from './sqlite-settings-store.js';
import { SqliteSigningKeyStore } from './sqlite-signing-key-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { SqliteWriteBatch } from './write-batch.js';
import type { Logger } from '../../core/logger.js';

/**
 * Every port on one SQLite connection. Enough for one process, or several on
 * one machine sharing the file (every atomic operation holds SQLite's write
 * lock); not for replicas on several machines — SQLite locking over network
 * file systems is unreliable.
 *
 * better-sqlite3 is synchronous; the methods are async only to fit the ports.
 * Its errors (SQLITE_BUSY after busy_timeout, constraint violations, a closed
 * connection) propagate unchanged.
 */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  readonly relyingParties: SqliteRelyingPartyStore;
  readonly policies: SqlitePolicyStore;
  readonly signingKeys: SqliteSigningKeyStore;
  readonly challenges: SqliteNonceStore;
  readonly settings: SqliteSettingsStore;
  readonly auditLog: SqliteAuditLog;
  readonly sessionDenylist: SqliteSessionDenylist;
  readonly oid4vpRequests: SqliteOid4vpRequestStore;
  readonly sessionFamilies: SqliteSessionFamilyStore;
  private readonly selectOne: Statement<[], unknown>;
  /** The hot-path writes (challenges, audit events) of one event-loop turn, committed together. */
  private readonly writes: SqliteWriteBatch;

  private readonly checkpointer: WalCheckpointer | undefined;

  /** `checkpointInWorker`: the WAL file's path, to move checkpoints to a worker thread (wal-checkpointer.ts). */
  constructor(
    private readonly db: Database,
    checkpointInWorker?: { path: string; logger?: Logger },
  ) {
    this.writes = new SqliteWriteBatch(db);
    this.checkpointer =
      checkpointInWorker === undefined
        ? undefined
        : WalCheckpointer.start(db, checkpointInWorker.path, checkpointInWorker.logger, undefined, { quiesce: this.writes });
    this.relyingParties = new SqliteRelyingPartyStore(db);
    this.policies = new SqlitePolicyStore(db);
    this.signingKeys = new SqliteSigningKeyStore(db);
    this.challenges = new SqliteNonceStore(db, this.writes);
    this.settings = new SqliteSettingsStore(db);
    this.auditLog = new SqliteAuditLog(db, this.writes);
    this.sessionDenylist = new SqliteSessionDenylist(db);
    this.oid4vpRequests = new SqliteOid4vpRequestStore(db);
    this.sessionFamilies = new SqliteSessionFamilyStore(db);
    this.selectOne = db.prepare('SELECT 1');
  }

  async ping(): Promise<void> {
    this.selectOne.get();
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.writes.flush();
    this.db.close();
  }
}

/**
 * Opens, creating and migrating if needed, the SQLite database at `path`
 * (`':memory:'` allowed). `checkpointInWorker` (the service: see
 * wal-checkpointer.ts) moves WAL checkpoints to a worker thread.
 */
export function openSqliteStorage(path: string, options: { checkpointInWorker?: boolean; logger?: Logger } = {}): Storage {
  const db = openSqliteDatabase(path);
  const inWorker = options.checkpointInWorker === true && path !== ':memory:' && path !== '';
  return new SqliteStorage(db, inWorker ? { path, ...(options.logger !== undefined ? { logger: options.logger } : {}) } : undefined);
}
