import type { Database, Statement } from 'better-sqlite3';
import type { RelyingParty, RelyingPartyChange } from '../../core/model/relying-party.js';
import type { AudienceTaken, CreateRelyingPartyResult, RelyingPartyStore, UpdateRelyingPartyResult } from '../../core/ports/relying-party-store.js';
import { applyChange, normalised } from '../relying-party-change.js';

interface RelyingPartyRow {
  id: string;
  name: string;
  api_key_hash: string;
  created_at: number;
  callback_origins: string;
  logo_uri: string | null;
  audiences: string | null;
}

function toRelyingParty(row: RelyingPartyRow): RelyingParty {
  return normalised({
    id: row.id,
    name: row.name,
    apiKeyHash: row.api_key_hash,
    createdAt: row.created_at,
    audiences: row.audiences ? (JSON.parse(row.audiences) as string[]) : [],
    callbackOrigins: JSON.parse(row.callback_origins) as string[],
    ...(row.logo_uri !== null ? { logoUri: row.logo_uri } : {}),
  });
}

/** Relying parties in the `relying_parties` table; their audiences in `relying_party_audiences` (the audience is the primary key: one holder). */
export class SqliteRelyingPartyStore implements RelyingPartyStore {
  private readonly insert: Statement<[string, string, string, number, string, string | null]>;
  private readonly selectById: Statement<[string], RelyingPartyRow>;
  private readonly selectByApiKeyHash: Statement<[string], RelyingPartyRow>;
  private readonly selectAll: Statement<[], RelyingPartyRow>;
  private readonly selectHolder: Statement<[string], { relying_party_id: string }>;
  private readonly insertAudience: Statement<[string, string]>;
  private readonly deleteAudiences: Statement<[string]>;
  private readonly updateRow: Statement<[string, string, string, string | null, string]>;
  private readonly createTx: (rp: RelyingParty) => CreateRelyingPartyResult;
  private readonly updateTx: (id: string, change: RelyingPartyChange) => UpdateRelyingPartyResult;

  constructor(db: Database) {
    // Only a taken id is an expected answer. A duplicate api_key_hash
    // still fails the UNIQUE constraint: it would make authentication ambiguous.
    this.insert = db.prepare(
      `INSERT INTO relying_parties (id, name, api_key_hash, created_at, callback_origins, logo_uri) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    const select = `SELECT id, name, api_key_hash, created_at, callback_origins, logo_uri,
      (SELECT json_group_array(audience) FROM (SELECT audience FROM relying_party_audiences a WHERE a.relying_party_id = r.id ORDER BY audience)) AS audiences
      FROM relying_parties r`;
    this.selectById = db.prepare(`${select} WHERE id = ?`);
    this.selectByApiKeyHash = db.prepare(`${select} WHERE api_key_hash = ?`);
    this.selectAll = db.prepare(`${select} ORDER BY id`);
    this.selectHolder = db.prepare('SELECT relying_party_id FROM relying_party_audiences WHERE audience = ?');
    this.insertAudience = db.prepare('INSERT INTO relying_party_audiences (audience, relying_party_id) VALUES (?, ?)');
    this.deleteAudiences = db.prepare('DELETE FROM relying_party_audiences WHERE relying_party_id = ?');
    this.updateRow = db.prepare('UPDATE relying_parties SET name = ?, api_key_hash = ?, callback_origins = ?, logo_uri = ? WHERE id = ?');

    const takenAudience = (id: string, audiences: readonly string[]): AudienceTaken | null => {
      for (const audience of [...new Set(audiences)].sort()) {
        const holder = this.selectHolder.get(audience)?.relying_party_id;
        if (holder !== undefined && holder !== id) return { outcome: 'audience_taken', audience, holder };
      }
      return null;
    };
    // IMMEDIATE transactions: the write lock is held from the first read, so two processes cannot both see an audience free.
    const create = db.transaction((rp: RelyingParty): CreateRelyingPartyResult => {
      const taken = takenAudience(rp.id, rp.audiences);
      if (taken) return taken;
      const row = normalised(rp);
      if (this.insert.run(row.id, row.name, row.apiKeyHash, row.createdAt, JSON.stringify(row.callbackOrigins), row.logoUri ?? null).changes === 0) {
        return { outcome: 'id_taken' };
      }
      for (const audience of row.audiences) this.insertAudience.run(audience, row.id);
      return { outcome: 'created' };
    });
    this.createTx = (rp) => create.immediate(rp);
    const update = db.transaction((id: string, change: RelyingPartyChange): UpdateRelyingPartyResult => {
      const row = this.selectById.get(id);
      if (!row) return { outcome: 'not_found' };
      if (change.audiences) {
        const taken = takenAudience(id, change.audiences);
        if (taken) return taken;
      }
      const next = normalised(applyChange(toRelyingParty(row), change));
      this.updateRow.run(next.name, next.apiKeyHash, JSON.stringify(next.callbackOrigins), next.logoUri ?? null, id);
      if (change.audiences) {
        this.deleteAudiences.run(id);
        for (const audience of next.audiences) this.insertAudience.run(audience, id);
      }
      return { outcome: 'updated', relyingParty: next };
    });
    this.updateTx = (id, change) => update.immediate(id, change);
  }

  async create(rp: RelyingParty): Promise<CreateRelyingPartyResult> {
    return this.createTx(rp);
  }

  async get(id: string): Promise<RelyingParty | null> {
    const row = this.selectById.get(id);
    return row ? toRelyingParty(row) : null;
  }

  async findByApiKeyHash(hash: string): Promise<RelyingParty | null> {
    const row = this.selectByApiKeyHash.get(hash);
    return row ? toRelyingParty(row) : null;
  }

  async list(): Promise<RelyingParty[]> {
    return this.selectAll.all().map(toRelyingParty);
  }

  async findByAudience(audience: string): Promise<string | null> {
    return this.selectHolder.get(audience)?.relying_party_id ?? null;
  }

  async update(id: string, change: RelyingPartyChange): Promise<UpdateRelyingPartyResult> {
    return this.updateTx(id, change);
  }
}
