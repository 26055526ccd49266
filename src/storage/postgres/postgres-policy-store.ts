import type { Pool } from 'pg';
import type { PresentationPolicy, StoredPolicy } from '../../core/model/policy.js';
import type { PolicyStore, PutPolicyResult } from '../../core/ports/policy-store.js';

interface PolicyRow {
  owner: string;
  body: PresentationPolicy;
  created_at: number;
  updated_at: number;
}

function toStoredPolicy(row: PolicyRow): StoredPolicy {
  return { policy: row.body, owner: row.owner, createdAt: row.created_at, updatedAt: row.updated_at };
}

const COLUMNS = 'owner, body, created_at, updated_at';

/** Policies in the `policies` table, the policy itself as `jsonb` in `body`. */
export class PostgresPolicyStore implements PolicyStore {
  constructor(private readonly pool: Pool) {}

  async get(id: string): Promise<StoredPolicy | null> {
    const { rows } = await this.pool.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE id = $1`, [id]);
    return rows[0] ? toStoredPolicy(rows[0]) : null;
  }

  async list(owner?: string): Promise<StoredPolicy[]> {
    const { rows } =
      owner === undefined
        ? await this.pool.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies ORDER BY id`)
        : await this.pool.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE owner = $1 ORDER BY id`, [owner]);
    return rows.map(toStoredPolicy);
  }

  /**
   * One statement, so atomic on every replica: insert, or — only when the
   * stored policy has the same owner — replace. A row of another owner fails
   * the `WHERE` and nothing is returned; two concurrent creates of one id
   * serialise on the primary key. `xmax = 0` holds for a row this statement
   * inserted, not for one it updated.
   */
  async put(policy: PresentationPolicy, owner: string, now: number): Promise<PutPolicyResult> {
    const { rows } = await this.pool.query<PolicyRow & { inserted: boolean }>(
      `INSERT INTO policies AS p (id, owner, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, updated_at = EXCLUDED.updated_at WHERE p.owner = EXCLUDED.owner
       RETURNING ${COLUMNS}, (xmax = 0) AS inserted`,
      [policy.id, owner, JSON.stringify(policy), now],
    );
    const row = rows[0];
    if (!row) return { outcome: 'owned_by_other' };
    return { outcome: row.inserted ? 'created' : 'replaced', stored: toStoredPolicy(row) };
  }

  async delete(id: string, owner: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM policies WHERE id = $1 AND owner = $2', [id, owner])).rowCount ?? 0) > 0;
  }
}
