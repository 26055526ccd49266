import type { Database, Statement, Transaction } from 'better-sqlite3';
import {
  liveAccessTokens,
  type FamilyRotation,
  type RefreshTokenLookup,
  type SessionFamily,
  type SessionFamilyStore,
} from '../../core/ports/session-family-store.js';
import {
  toSessionFamily,
  sessionFamilyInsertValues,
  toSessionFamilyRow,
  type SessionFamilyInsertValues,
  type SessionFamilyRow,
} from '../rows/session-family-row.js';

/** A `session_families` row as SQLite returns it: JSON columns as text. */
type SqliteFamilyRow = Omit<SessionFamilyRow, 'access_tokens' | 'data'> & { access_tokens: string; data: string };

const COLUMNS =
  'f.id, f.client_id, f.subject, f.current_token_hash, f.generation, f.sealed_claims, f.access_tokens, f.idle_expires_at, f.absolute_expires_at, f.ended_at, f.end_reason, f.data';

function fromSqlite(row: SqliteFamilyRow): SessionFamily {
  return toSessionFamily({
    ...row,
    access_tokens: JSON.parse(row.access_tokens) as SessionFamilyRow['access_tokens'],
    data: JSON.parse(row.data) as SessionFamilyRow['data'],
  });
}

/**
 * Session families in `session_families` and their token hashes in
 * `session_refresh_tokens`. `rotate` and `end` are BEGIN IMMEDIATE
 * transactions: the write lock is held from the compare to the last write,
 * across every process on the file, so of concurrent rotations exactly one wins.
 */
export class SqliteSessionFamilyStore implements SessionFamilyStore {
  private readonly createTransaction: Transaction<(family: SessionFamily) => void>;
  private readonly selectByHash: Statement<[string], SqliteFamilyRow & { rotated_at: number | null }>;
  private readonly selectById: Statement<[string], SqliteFamilyRow>;
  private readonly rotateTransaction: Transaction<(familyId: string, rotation: FamilyRotation) => boolean>;
  private readonly endTransaction: Transaction<(familyId: string, reason: string, now: number) => SessionFamily | null>;
  private readonly selectBySubject: Statement<[string], SqliteFamilyRow>;
  private readonly selectBySubjectAndClient: Statement<[string, string], SqliteFamilyRow>;
  private readonly purgeStatement: Statement<[number, number]>;

  constructor(db: Database) {
    const insertFamily = db.prepare<SessionFamilyInsertValues>(
      `INSERT INTO session_families (id, client_id, subject, current_token_hash, generation, sealed_claims, access_tokens,
         idle_expires_at, absolute_expires_at, ended_at, end_reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertToken = db.prepare<[string, string, number | null]>('INSERT INTO session_refresh_tokens (hash, family_id, rotated_at) VALUES (?, ?, ?)');
    this.createTransaction = db.transaction((family: SessionFamily) => {
      const row = toSessionFamilyRow(family);
      insertFamily.run(...sessionFamilyInsertValues(row));
      insertToken.run(row.current_token_hash, row.id, null);
    });
    this.selectByHash = db.prepare(
      `SELECT ${COLUMNS}, t.rotated_at FROM session_refresh_tokens t JOIN session_families f ON f.id = t.family_id WHERE t.hash = ?`,
    );
    this.selectById = db.prepare(`SELECT ${COLUMNS} FROM session_families f WHERE f.id = ?`);
    const swap = db.prepare<[string, string, number, string, string, string]>(
      `UPDATE session_families SET current_token_hash = ?, sealed_claims = ?, idle_expires_at = ?, access_tokens = ?,
         generation = generation + 1 WHERE id = ? AND current_token_hash = ? AND ended_at IS NULL`,
    );
    const markRotated = db.prepare<[number, string]>('UPDATE session_refresh_tokens SET rotated_at = ? WHERE hash = ?');
    this.rotateTransaction = db.transaction((familyId: string, rotation: FamilyRotation) => {
      const current = this.selectById.get(familyId);
      if (!current || current.ended_at !== null || current.current_token_hash !== rotation.expectedHash) return false;
      const tokens = liveAccessTokens(JSON.parse(current.access_tokens) as SessionFamily['accessTokens'], rotation.accessToken, rotation.now);
      const changed = swap.run(
        rotation.nextHash,
        rotation.sealedClaims,
        rotation.idleExpiresAt,
        JSON.stringify(tokens),
        familyId,
        rotation.expectedHash,
      ).changes;
      if (changed !== 1) return false;
      markRotated.run(rotation.now, rotation.expectedHash);
      insertToken.run(rotation.nextHash, familyId, null);
      return true;
    });
    const markEnded = db.prepare<[number, string, string]>('UPDATE session_families SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL');
    this.endTransaction = db.transaction((familyId: string, reason: string, now: number) => {
      const current = this.selectById.get(familyId);
      if (!current || current.ended_at !== null) return null;
      markEnded.run(now, reason, familyId);
      return fromSqlite(current);
    });
    this.selectBySubject = db.prepare(`SELECT ${COLUMNS} FROM session_families f WHERE f.subject = ? AND f.ended_at IS NULL LIMIT 1000`);
    this.selectBySubjectAndClient = db.prepare(
      `SELECT ${COLUMNS} FROM session_families f WHERE f.subject = ? AND f.client_id = ? AND f.ended_at IS NULL LIMIT 1000`,
    );
    // Token rows go with their family (ON DELETE CASCADE).
    this.purgeStatement = db.prepare('DELETE FROM session_families WHERE ended_at IS NOT NULL OR idle_expires_at <= ? OR absolute_expires_at <= ?');
  }

  async create(family: SessionFamily): Promise<void> {
    this.createTransaction.immediate(family);
  }

  async findByTokenHash(hash: string): Promise<RefreshTokenLookup | null> {
    const row = this.selectByHash.get(hash);
    if (!row) return null;
    const { rotated_at, ...family } = row;
    return { family: fromSqlite(family), ...(rotated_at !== null ? { rotatedAt: rotated_at } : {}) };
  }

  async rotate(familyId: string, rotation: FamilyRotation): Promise<boolean> {
    return this.rotateTransaction.immediate(familyId, rotation);
  }

  async end(familyId: string, reason: string, now: number): Promise<SessionFamily | null> {
    return this.endTransaction.immediate(familyId, reason, now);
  }

  async listActiveBySubject(subject: string, clientId: string | undefined, _now: number): Promise<SessionFamily[]> {
    const rows = clientId === undefined ? this.selectBySubject.all(subject) : this.selectBySubjectAndClient.all(subject, clientId);
    return rows.map(fromSqlite);
  }

  async purge(now: number): Promise<number> {
    return this.purgeStatement.run(now, now).changes;
  }
}
