import type { Pool, PoolClient } from 'pg';
import type { RelyingParty, RelyingPartyChange } from '../../core/model/relying-party.js';
import type { AudienceTaken, CreateRelyingPartyResult, RelyingPartyStore, UpdateRelyingPartyResult } from '../../core/ports/relying-party-store.js';
import { applyChange, normalised } from '../relying-party-change.js';
import { inTransaction } from './transaction.js';

interface RelyingPartyRow {
  id: string;
  name: string;
  api_key_hash: string;
  created_at: number;
  callback_origins: string[];
  logo_uri: string | null;
  audiences: string[];
}

function toRelyingParty(row: RelyingPartyRow): RelyingParty {
  return normalised({
    id: row.id,
    name: row.name,
    apiKeyHash: row.api_key_hash,
    createdAt: Number(row.created_at),
    audiences: row.audiences,
    callbackOrigins: row.callback_origins,
    ...(row.logo_uri !== null ? { logoUri: row.logo_uri } : {}),
  });
}

const SELECT = `SELECT id, name, api_key_hash, created_at, callback_origins, logo_uri,
  ARRAY(SELECT audience FROM relying_party_audiences a WHERE a.relying_party_id = r.id ORDER BY audience) AS audiences
  FROM relying_parties r`;

/** Thrown inside a transaction to roll it back and answer `audience_taken`. */
class AudienceTakenSignal {
  constructor(readonly taken: AudienceTaken) {}
}

/** Claims each audience for `id`; the primary key on audience decides between concurrent claims. */
async function claimAudiences(client: PoolClient, id: string, audiences: readonly string[]): Promise<void> {
  for (const audience of [...new Set(audiences)].sort()) {
    const inserted = await client.query('INSERT INTO relying_party_audiences (audience, relying_party_id) VALUES ($1, $2) ON CONFLICT (audience) DO NOTHING', [
      audience,
      id,
    ]);
    if ((inserted.rowCount ?? 0) > 0) continue;
    const { rows } = await client.query<{ relying_party_id: string }>('SELECT relying_party_id FROM relying_party_audiences WHERE audience = $1', [audience]);
    const holder = rows[0]?.relying_party_id;
    if (holder !== id) throw new AudienceTakenSignal({ outcome: 'audience_taken', audience, holder: holder ?? 'unknown' });
  }
}

/** Relying parties in the `relying_parties` table; their audiences in `relying_party_audiences` (one holder per audience). */
export class PostgresRelyingPartyStore implements RelyingPartyStore {
  constructor(private readonly pool: Pool) {}

  async create(rp: RelyingParty): Promise<CreateRelyingPartyResult> {
    const row = normalised(rp);
    try {
      return await inTransaction(this.pool, async (client): Promise<CreateRelyingPartyResult> => {
        // Only a taken id is an expected answer. A duplicate api_key_hash
        // still fails the UNIQUE constraint: it would make authentication ambiguous.
        const result = await client.query(
          `INSERT INTO relying_parties (id, name, api_key_hash, created_at, callback_origins, logo_uri)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (id) DO NOTHING`,
          [row.id, row.name, row.apiKeyHash, row.createdAt, JSON.stringify(row.callbackOrigins), row.logoUri ?? null],
        );
        if ((result.rowCount ?? 0) === 0) return { outcome: 'id_taken' };
        await claimAudiences(client, row.id, row.audiences);
        return { outcome: 'created' };
      });
    } catch (error) {
      if (error instanceof AudienceTakenSignal) return error.taken;
      throw error;
    }
  }

  async get(id: string): Promise<RelyingParty | null> {
    const { rows } = await this.pool.query<RelyingPartyRow>(`${SELECT} WHERE id = $1`, [id]);
    return rows[0] ? toRelyingParty(rows[0]) : null;
  }

  async findByApiKeyHash(hash: string): Promise<RelyingParty | null> {
    const { rows } = await this.pool.query<RelyingPartyRow>(`${SELECT} WHERE api_key_hash = $1`, [hash]);
    return rows[0] ? toRelyingParty(rows[0]) : null;
  }

  async list(): Promise<RelyingParty[]> {
    const { rows } = await this.pool.query<RelyingPartyRow>(`${SELECT} ORDER BY id`);
    return rows.map(toRelyingParty);
  }

  async findByAudience(audience: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ relying_party_id: string }>('SELECT relying_party_id FROM relying_party_audiences WHERE audience = $1', [
      audience,
    ]);
    return rows[0]?.relying_party_id ?? null;
  }

  async update(id: string, change: RelyingPartyChange): Promise<UpdateRelyingPartyResult> {
    try {
      return await inTransaction(this.pool, async (client): Promise<UpdateRelyingPartyResult> => {
        const { rows } = await client.query<RelyingPartyRow>(`${SELECT} WHERE id = $1 FOR UPDATE`, [id]);
        if (!rows[0]) return { outcome: 'not_found' };
        const next = normalised(applyChange(toRelyingParty(rows[0]), change));
        await client.query('UPDATE relying_parties SET name = $1, api_key_hash = $2, callback_origins = $3::jsonb, logo_uri = $4 WHERE id = $5', [
          next.name,
          next.apiKeyHash,
          JSON.stringify(next.callbackOrigins),
          next.logoUri ?? null,
          id,
        ]);
        if (change.audiences) {
          await client.query('DELETE FROM relying_party_audiences WHERE relying_party_id = $1 AND NOT (audience = ANY($2::text[]))', [id, next.audiences]);
          await claimAudiences(client, id, next.audiences);
        }
        return { outcome: 'updated', relyingParty: next };
      });
    } catch (error) {
      if (error instanceof AudienceTakenSignal) return error.taken;
      throw error;
    }
  }
}
