import type { RelyingParty } from '../core/model/relying-party.js';
import type { RelyingPartyStore } from '../core/ports/relying-party-store.js';

/**
 * Relying-party members this area reads that the relying-party record gains
 * with the hardening issue (`name` shown to wallets, `logoUri`,
 * `callbackOrigins`, operator-managed). Read defensively: a record without
 * them (today's) has no logo and no callback origins, so callbacks are refused.
 */
interface RelyingPartyExtras {
  logoUri?: unknown;
  callbackOrigins?: unknown;
}

export function callbackOriginsOf(rp: RelyingParty | null): string[] {
  const origins = (rp as (RelyingParty & RelyingPartyExtras) | null)?.callbackOrigins;
  return Array.isArray(origins) ? origins.filter((o): o is string => typeof o === 'string') : [];
}

/** `client_name` / `logo_uri` for client_metadata (OpenID4VP 1.0 §5.1, RFC 7591 §2). */
export async function relyingPartyDisplay(store: RelyingPartyStore, owner: string): Promise<{ name?: string; logoUri?: string }> {
  const rp = (await store.get(owner)) as (RelyingParty & RelyingPartyExtras) | null;
  if (!rp) return {};
  return {
    ...(typeof rp.name === 'string' && rp.name !== '' ? { name: rp.name } : {}),
    ...(typeof rp.logoUri === 'string' && /^https:\/\//.test(rp.logoUri) ? { logoUri: rp.logoUri } : {}),
  };
}
