import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { PresentationPolicy, StoredPolicy } from '../../core/model/policy.js';
import type { PolicyStore, PutPolicyResult } from '../../core/ports/policy-store.js';

interface PolicyRow {
  owner: string;
  body: string;
  created_at: number;
  updated_at: number;
}

function toStoredPolicy(row: PolicyRow): StoredPolicy {
  return { policy: JSON.parse(row.body) as PresentationPolicy, owner: row.owner, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** Policies in the `policies` table, the policy itself as JSON text in `body`. */
export class SqlitePolicyStore implements PolicyStore {
  private readonly selectOne: Statement<[string], PolicyRow>;
  private readonly selectAll: Statement<[], PolicyRow>;
  private readonly selectByOwner: Statement<[string], PolicyRow>;
  private readonly insert: Statement<[string, string, string, number, number]>;
  private readonly update: Statement<[string, number, string]>;
  private readonly remove: Statement<[string, string]>;
  private readonly putTransaction: Transaction<(policy: PresentationPolicy, owner: string, now: number) => PutPolicyResult>;

  constructor(db: Database) {
    const columns = 'owner, body, created_at, updated_at';
    this.selectOne = db.prepare(`SELECT ${columns} FROM policies WHERE id = ?`);
    this.selectAll = db.prepare(`SELECT ${columns} FROM policies ORDER BY id`);
    this.selectByOwner = db.prepare(`SELECT ${columns} FROM policies WHERE owner = ? ORDER BY id`);
    this.insert = db.prepare('INSERT INTO policies (id, owner, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
    this.update = db.prepare('UPDATE policies SET body = ?, updated_at = ? WHERE id = ?');
    this.remove = db.prepare('DELETE FROM policies WHERE id = ? AND owner = ?');
    this.putTransaction = db.transaction((policy: PresentationPolicy, owner: string, now: number): PutPolicyResult => {
      const existing = this.selectOne.get(policy.id);
      if (existing && existing.owner !== owner) return { outcome: 'owned_by_other' };
      const body = JSON.stringify(policy);
      if (existing) this.update.run(body, now, policy.id);
      else this.insert.run(policy.id, owner, body, now, now);
      const stored = toStoredPolicy({ owner, body, created_at: existing?.created_at ?? now, updated_at: now });
      return { outcome: existing ? 'replaced' : 'created', stored };
    });
  }

  async get(id: string): Promise<StoredPolicy | null> {
    const row = this.selectOne.get(id);
    return row ? toStoredPolicy(row) : null;
  }

  async list(owner?: string): Promise<StoredPolicy[]> {
    const rows = owner === undefined ? this.selectAll.all() : this.selectByOwner.all(owner);
    return rows.map(toStoredPolicy);
  }

  async put(policy: PresentationPolicy, owner: string, now: number): Promise<PutPolicyResult> {
    // IMMEDIATE takes the write lock before the owner check, so another
    // process cannot insert the same id between the check and the write.
    return this.putTransaction.immediate(policy, owner, now);
  }

  async delete(id: string, owner: string): Promise<boolean> {
    return this.remove.run(id, owner).changes > 0;
  }
}
