import type { RelyingPartyStore } from '../core/ports/relying-party-store.js';
import { digestsEqual, hashApiKey } from '../core/secrets.js';
import type { Principal } from './principal.js';

/** Turns an API key into a principal, or null for an unknown key. */
export class ApiKeyAuthenticator {
  constructor(
    private readonly operatorKeyHash: string,
    private readonly relyingParties: RelyingPartyStore,
  ) {}

  async authenticate(apiKey: string): Promise<Principal | null> {
    if (apiKey.length === 0 || apiKey.length > 256) return null;
    const hash = hashApiKey(apiKey);
    if (digestsEqual(hash, this.operatorKeyHash)) return { role: 'operator' };
    // Looked up by hash: the lookup reveals nothing about keys that do not exist.
    const rp = await this.relyingParties.findByApiKeyHash(hash);
    return rp ? { role: 'relying_party', relyingPartyId: rp.id } : null;
  }
}
