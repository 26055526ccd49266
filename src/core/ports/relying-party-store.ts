import type { RelyingParty, RelyingPartyChange } from '../model/relying-party.js';

/** An audience another relying party already holds: nothing was written. */
export interface AudienceTaken {
  outcome: 'audience_taken';
  audience: string;
  /** The relying party that holds it. */
  holder: string;
}

export type CreateRelyingPartyResult = { outcome: 'created' } | { outcome: 'id_taken' } | AudienceTaken;
export type UpdateRelyingPartyResult = { outcome: 'updated'; relyingParty: RelyingParty } | { outcome: 'not_found' } | AudienceTaken;

export interface RelyingPartyStore {
  /**
   * Inserts the party and claims its audiences, atomically: a taken id or an
   * audience another party holds writes nothing. A duplicate API key hash is
   * an error (it would make authentication ambiguous).
   */
  create(rp: RelyingParty): Promise<CreateRelyingPartyResult>;
  get(id: string): Promise<RelyingParty | null>;
  findByApiKeyHash(hash: string): Promise<RelyingParty | null>;
  /** Every relying party, by id. */
  list(): Promise<RelyingParty[]>;
  /** The id of the relying party that holds `audience`, or null. */
  findByAudience(audience: string): Promise<string | null>;
  /** Applies `change` atomically; new audiences are claimed like on create, dropped ones released. */
  update(id: string, change: RelyingPartyChange): Promise<UpdateRelyingPartyResult>;
}
