import type { Clock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import type { RelyingPartyStore } from '../core/ports/relying-party-store.js';
import { hashApiKey, randomToken } from '../core/secrets.js';

export interface CreatedRelyingParty {
  id: string;
  name: string;
  /** Shown once; only its hash is stored. */
  apiKey: string;
}

/** Operator use case: register a relying party and hand out its API key. */
export async function createRelyingParty(
  store: RelyingPartyStore,
  clock: Clock,
  input: { id: string; name: string },
): Promise<CreatedRelyingParty> {
  const apiKey = `kpk_${randomToken(32)}`;
  const created = await store.create({ id: input.id, name: input.name, apiKeyHash: hashApiKey(apiKey), createdAt: clock.now() });
  if (!created) throw new KpartyError('relying_party.conflict', `a relying party with id "${input.id}" already exists`);
  return { id: input.id, name: input.name, apiKey };
}
