import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { JWK } from 'jose';
import type { SigningKey } from '../../core/model/signing-key.js';
import { toSigningKey, type SigningKeyRow } from '../rows/signing-key-row.js';
import type { SigningKeyRotation, SigningKeyRotationResult, SigningKeyStore } from '../../core/ports/signing-key-store.js';
import { planSigningKeyRotation } from '../signing-key-rotation-plan.js';

/** A `signing_keys` row as SQLite returns it: the JWKs as JSON text. */
type SqliteSigningKeyRow = Omit<SigningKeyRow, 'private_jwk' | 'public_jwk'> & { private_jwk: string; public_jwk: string };

function fromSqlite(row: SqliteSigningKeyRow): SigningKey {
  return toSigningKey({ ...row, private_jwk: JSON.parse(row.private_jwk) as JWK, public_jwk: JSON.parse(row.public_jwk) as JWK });
}

/**
 * Signing keys in the `signing_keys` table.
 *
 * `list()` without a time compares `expires_at` with `Date.now()`; a key is
 * listed while `expires_at` is null or later than now. Oldest first means by
 * `created_at`, ties in insertion (rowid) order. `insertIfNone` and `rotate`
 * are BEGIN IMMEDIATE transactions: the write lock is held from the read that
 * decides to the last write, across every process on the file.
 */
export class SqliteSigningKeyStore implements SigningKeyStore {
  private readonly selectListed: Statement<[number], SqliteSigningKeyRow>;
  private readonly selectUsableExists: Statement<[number], number>;
  private readonly insert: Statement<[string, string, string, string, number, number, number | null, number | null]>;
  private readonly insertIfNoneTransaction: Transaction<(key: SigningKey, now: number) => SigningKey[]>;
  private readonly retire: Statement<[number, number, string]>;
  private readonly purge: Statement<[number]>;
  private readonly rotateTransaction: Transaction<(rotation: SigningKeyRotation) => SigningKeyRotationResult>;

  constructor(db: Database) {
    this.selectListed = db.prepare(
      `SELECT kid, alg, private_jwk, public_jwk, created_at, activates_at, retired_at, expires_at
       FROM signing_keys WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at, rowid`,
    );
    // "Usable" = not retired and still listed: a non-retired key past expires_at
    // would otherwise block the first key forever while list() hides it.
    this.selectUsableExists = db
      .prepare<[number], number>('SELECT EXISTS (SELECT 1 FROM signing_keys WHERE retired_at IS NULL AND (expires_at IS NULL OR expires_at > ?))')
      .pluck();
    this.insert = db.prepare(
      `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, activates_at, retired_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertIfNoneTransaction = db.transaction((key: SigningKey, now: number): SigningKey[] => {
      if (this.selectUsableExists.get(now) !== 1) this.insertKey(key);
      return this.selectListed.all(now).map(fromSqlite);
    });
    this.retire = db.prepare('UPDATE signing_keys SET retired_at = ?, expires_at = ? WHERE kid = ?');
    this.purge = db.prepare('DELETE FROM signing_keys WHERE expires_at IS NOT NULL AND expires_at <= ?');
    this.rotateTransaction = db.transaction((rotation: SigningKeyRotation): SigningKeyRotationResult => {
      const plan = planSigningKeyRotation(this.selectListed.all(rotation.now).map(fromSqlite), rotation);
      if (plan.rotate) {
        for (const { kid, retiredAt, expiresAt } of plan.retire) this.retire.run(retiredAt, expiresAt, kid);
        this.insertKey(rotation.next);
      }
      return { rotated: plan.rotate, keys: this.selectListed.all(rotation.now).map(fromSqlite) };
    });
  }

  private insertKey(key: SigningKey): void {
    this.insert.run(
      key.kid,
      key.alg,
      JSON.stringify(key.privateJwk),
      JSON.stringify(key.publicJwk),
      key.createdAt,
      key.activatesAt,
      key.retiredAt,
      key.expiresAt,
    );
  }

  async list(now: number = Date.now()): Promise<SigningKey[]> {
    return this.selectListed.all(now).map(fromSqlite);
  }

  async rotate(rotation: SigningKeyRotation): Promise<SigningKeyRotationResult> {
    // A failing insert (duplicate kid) rolls the retirements back with it.
    return this.rotateTransaction.immediate(rotation);
  }

  async deleteExpired(now: number): Promise<number> {
    return this.purge.run(now).changes;
  }

  async insertIfNone(key: SigningKey): Promise<SigningKey[]> {
    // IMMEDIATE takes the write lock before the check: of replicas racing on
    // first start, one inserts and the others read its key.
    return this.insertIfNoneTransaction.immediate(key, Date.now());
  }
}
