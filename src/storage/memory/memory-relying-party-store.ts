import type { RelyingParty } from '../../core/model/relying-party.js';
import type { RelyingPartyStore } from '../../core/ports/relying-party-store.js';

/** Relying parties in one process's memory, indexed by id and by API key hash. */
export class MemoryRelyingPartyStore implements RelyingPartyStore {
  private readonly byId = new Map<string, RelyingParty>();
  private readonly idByApiKeyHash = new Map<string, string>();

  async create(rp: RelyingParty): Promise<boolean> {
    if (this.byId.has(rp.id)) return false;
    // Two parties sharing a key hash would make authentication ambiguous; like a
    // UNIQUE constraint, this is an error, not a "taken" answer.
    if (this.idByApiKeyHash.has(rp.apiKeyHash)) throw new Error('duplicate relying party API key hash');
    this.byId.set(rp.id, structuredClone(rp));
    this.idByApiKeyHash.set(rp.apiKeyHash, rp.id);
    return true;
  }

  async get(id: string): Promise<RelyingParty | null> {
    const rp = this.byId.get(id);
    return rp ? structuredClone(rp) : null;
  }

  async findByApiKeyHash(hash: string): Promise<RelyingParty | null> {
    const id = this.idByApiKeyHash.get(hash);
    return id === undefined ? null : this.get(id);
  }
}
