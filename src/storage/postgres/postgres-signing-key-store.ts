import type { Pool, PoolClient } from 'pg';
import type { SigningKey } from '../../core/model/signing-key.js';
import { toSigningKey, type SigningKeyRow } from '../rows/signing-key-row.js';
import type { SigningKeyRotation, SigningKeyRotationResult, SigningKeyStore } from '../../core/ports/signing-key-store.js';
import { planSigningKeyRotation } from '../signing-key-rotation-plan.js';
import { inTransaction } from './transaction.js';

const SELECT_LISTED = `SELECT kid, alg, private_jwk, public_jwk, created_at, activates_at, retired_at, expires_at
  FROM signing_keys WHERE expires_at IS NULL OR expires_at > $1 ORDER BY created_at, seq`;

/**
 * Signing keys in the `signing_keys` table.
 *
 * `list` compares `expires_at` with `Date.now()` because the port takes no
 * time argument; a key is listed while `expires_at` is null or later than now.
 * Oldest first means by `created_at`, ties in insertion order (`seq`).
 */
export class PostgresSigningKeyStore implements SigningKeyStore {
  constructor(private readonly pool: Pool) {}

  async list(now: number = Date.now()): Promise<SigningKey[]> {
    return (await this.pool.query<SigningKeyRow>(SELECT_LISTED, [now])).rows.map(toSigningKey);
  }

  /**
   * Checks and inserts under an EXCLUSIVE lock on the table (readers go on;
   * other writers of signing keys wait): of replicas racing on first start,
   * one inserts and the others read its key. The lock is the table's, so it
   * is per schema and released at COMMIT.
   */
  async insertIfNone(key: SigningKey): Promise<SigningKey[]> {
    return inTransaction(this.pool, async (client) => {
      await lockSigningKeys(client);
      const now = Date.now();
      // "Usable" = not retired and still listed: a non-retired key past expires_at
      // would otherwise block the first key forever while list() hides it.
      const { rows } = await client.query<{ usable: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM signing_keys WHERE retired_at IS NULL AND (expires_at IS NULL OR expires_at > $1)) AS usable',
        [now],
      );
      if (!rows[0]?.usable) await insertKey(client, key);
      return (await client.query<SigningKeyRow>(SELECT_LISTED, [now])).rows.map(toSigningKey);
    });
  }

  /** Plans from the keys read under the same lock as insertIfNone, then applies the plan; one transaction. */
  async rotate(rotation: SigningKeyRotation): Promise<SigningKeyRotationResult> {
    return inTransaction(this.pool, async (client) => {
      await lockSigningKeys(client);
      const listed = (await client.query<SigningKeyRow>(SELECT_LISTED, [rotation.now])).rows.map(toSigningKey);
      const plan = planSigningKeyRotation(listed, rotation);
      if (!plan.rotate) return { rotated: false, keys: listed };
      for (const { kid, retiredAt, expiresAt } of plan.retire) {
        await client.query('UPDATE signing_keys SET retired_at = $2, expires_at = $3 WHERE kid = $1', [kid, retiredAt, expiresAt]);
      }
      await insertKey(client, rotation.next);
      return { rotated: true, keys: (await client.query<SigningKeyRow>(SELECT_LISTED, [rotation.now])).rows.map(toSigningKey) };
    });
  }

  async deleteExpired(now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM signing_keys WHERE expires_at IS NOT NULL AND expires_at <= $1', [now])).rowCount ?? 0;
  }
}

/** Serialises every writer of signing keys until the transaction ends. */
export async function lockSigningKeys(client: PoolClient): Promise<void> {
  await client.query('LOCK TABLE signing_keys IN EXCLUSIVE MODE');
}

export async function insertKey(client: PoolClient, key: SigningKey): Promise<void> {
  await client.query(
    `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, activates_at, retired_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [key.kid, key.alg, JSON.stringify(key.privateJwk), JSON.stringify(key.publicJwk), key.createdAt, key.activatesAt, key.retiredAt, key.expiresAt],
  );
}
