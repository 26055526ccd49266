import type { Database, Statement } from 'better-sqlite3';
import type { RelyingParty } from '../../core/model/relying-party.js';
import type { RelyingPartyStore } from '../../core/ports/relying-party-store.js';

interface RelyingPartyRow {
  id: string;
  name: string;
  api_key_hash: string;
  created_at: number;
}

function toRelyingParty(row: RelyingPartyRow): RelyingParty {
  return { id: row.id, name: row.name, apiKeyHash: row.api_key_hash, createdAt: row.created_at };
}

/** Relying parties in the `relying_parties` table. */
export class SqliteRelyingPartyStore implements RelyingPartyStore {
  private readonly insert: Statement<[string, string, string, number]>;
  private readonly selectById: Statement<[string], RelyingPartyRow>;
  private readonly selectByApiKeyHash: Statement<[string], RelyingPartyRow>;

  constructor(db: Database) {
    // Only a taken id is an expected answer (false). A duplicate api_key_hash
    // still fails the UNIQUE constraint: it would make authentication ambiguous.
    this.insert = db.prepare(
      'INSERT INTO relying_parties (id, name, api_key_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    );
    const columns = 'id, name, api_key_hash, created_at';
    this.selectById = db.prepare(`SELECT ${columns} FROM relying_parties WHERE id = ?`);
    this.selectByApiKeyHash = db.prepare(`SELECT ${columns} FROM relying_parties WHERE api_key_hash = ?`);
  }

  async create(rp: RelyingParty): Promise<boolean> {
    return this.insert.run(rp.id, rp.name, rp.apiKeyHash, rp.createdAt).changes > 0;
  }

  async get(id: string): Promise<RelyingParty | null> {
    const row = this.selectById.get(id);
    return row ? toRelyingParty(row) : null;
  }

  async findByApiKeyHash(hash: string): Promise<RelyingParty | null> {
    const row = this.selectByApiKeyHash.get(hash);
    return row ? toRelyingParty(row) : null;
  }
}
