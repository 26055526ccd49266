import type { RelyingParty } from '../model/relying-party.js';

export interface RelyingPartyStore {
  /** Inserts; returns false when the id is taken. */
  create(rp: RelyingParty): Promise<boolean>;
  get(id: string): Promise<RelyingParty | null>;
  findByApiKeyHash(hash: string): Promise<RelyingParty | null>;
}
