import type { RelyingParty, RelyingPartyChange } from '../../core/model/relying-party.js';
import type { AudienceTaken, CreateRelyingPartyResult, RelyingPartyStore, UpdateRelyingPartyResult } from '../../core/ports/relying-party-store.js';
import { applyChange, normalised } from '../relying-party-change.js';

/** Relying parties in one process's memory, indexed by id, by API key hash and by audience. */
export class MemoryRelyingPartyStore implements RelyingPartyStore {
  private readonly byId = new Map<string, RelyingParty>();
  private readonly idByApiKeyHash = new Map<string, string>();
  private readonly idByAudience = new Map<string, string>();

  async create(rp: RelyingParty): Promise<CreateRelyingPartyResult> {
    if (this.byId.has(rp.id)) return { outcome: 'id_taken' };
    // Two parties sharing a key hash would make authentication ambiguous; like a
    // UNIQUE constraint, this is an error, not a "taken" answer.
    if (this.idByApiKeyHash.has(rp.apiKeyHash)) throw new Error('duplicate relying party API key hash');
    const taken = this.takenAudience(rp.id, rp.audiences);
    if (taken) return taken;
    this.byId.set(rp.id, normalised(structuredClone(rp)));
    this.idByApiKeyHash.set(rp.apiKeyHash, rp.id);
    for (const audience of rp.audiences) this.idByAudience.set(audience, rp.id);
    return { outcome: 'created' };
  }

  async get(id: string): Promise<RelyingParty | null> {
    const rp = this.byId.get(id);
    return rp ? structuredClone(rp) : null;
  }

  async findByApiKeyHash(hash: string): Promise<RelyingParty | null> {
    const id = this.idByApiKeyHash.get(hash);
    return id === undefined ? null : this.get(id);
  }

  async list(): Promise<RelyingParty[]> {
    return [...this.byId.keys()].sort().map((id) => structuredClone(this.byId.get(id)!));
  }

  async findByAudience(audience: string): Promise<string | null> {
    return this.idByAudience.get(audience) ?? null;
  }

  async update(id: string, change: RelyingPartyChange): Promise<UpdateRelyingPartyResult> {
    const current = this.byId.get(id);
    if (!current) return { outcome: 'not_found' };
    if (change.audiences) {
      const taken = this.takenAudience(id, change.audiences);
      if (taken) return taken;
    }
    if (change.apiKeyHash !== undefined && change.apiKeyHash !== current.apiKeyHash && this.idByApiKeyHash.has(change.apiKeyHash)) {
      throw new Error('duplicate relying party API key hash');
    }
    const next = normalised(structuredClone(applyChange(current, change)));
    if (change.audiences) {
      for (const audience of current.audiences) this.idByAudience.delete(audience);
      for (const audience of next.audiences) this.idByAudience.set(audience, id);
    }
    if (next.apiKeyHash !== current.apiKeyHash) {
      this.idByApiKeyHash.delete(current.apiKeyHash);
      this.idByApiKeyHash.set(next.apiKeyHash, id);
    }
    this.byId.set(id, next);
    return { outcome: 'updated', relyingParty: structuredClone(next) };
  }

  private takenAudience(id: string, audiences: readonly string[]): AudienceTaken | null {
    for (const audience of [...audiences].sort()) {
      const holder = this.idByAudience.get(audience);
      if (holder !== undefined && holder !== id) return { outcome: 'audience_taken', audience, holder };
    }
    return null;
  }
}
