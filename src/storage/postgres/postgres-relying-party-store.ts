import type { Pool } from 'pg';
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

const COLUMNS = 'id, name, api_key_hash, created_at';

/** Relying parties in the `relying_parties` table. */
export class PostgresRelyingPartyStore implements RelyingPartyStore {
  constructor(private readonly pool: Pool) {}

  async create(rp: RelyingParty): Promise<boolean> {
    // Only a taken id is an expected answer (false). A duplicate api_key_hash
    // still fails the UNIQUE constraint: it would make authentication ambiguous.
    const result = await this.pool.query(
      'INSERT INTO relying_parties (id, name, api_key_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
      [rp.id, rp.name, rp.apiKeyHash, rp.createdAt],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async get(id: string): Promise<RelyingParty | null> {
    const { rows } = await this.pool.query<RelyingPartyRow>(`SELECT ${COLUMNS} FROM relying_parties WHERE id = $1`, [id]);
    return rows[0] ? toRelyingParty(rows[0]) : null;
  }

  async findByApiKeyHash(hash: string): Promise<RelyingParty | null> {
    const { rows } = await this.pool.query<RelyingPartyRow>(`SELECT ${COLUMNS} FROM relying_parties WHERE api_key_hash = $1`, [hash]);
    return rows[0] ? toRelyingParty(rows[0]) : null;
  }
}
