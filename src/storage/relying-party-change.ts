import type { RelyingParty, RelyingPartyChange } from '../core/model/relying-party.js';

/** `current` with `change` applied (the adapters share it). */
export function applyChange(current: RelyingParty, change: RelyingPartyChange): RelyingParty {
  const { logoUri: _logo, ...rest } = current;
  const logoUri = change.logoUri === undefined ? current.logoUri : (change.logoUri ?? undefined);
  return {
    ...rest,
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.audiences !== undefined ? { audiences: change.audiences } : {}),
    ...(change.callbackOrigins !== undefined ? { callbackOrigins: change.callbackOrigins } : {}),
    ...(change.apiKeyHash !== undefined ? { apiKeyHash: change.apiKeyHash } : {}),
    ...(logoUri !== undefined ? { logoUri } : {}),
  };
}

/** Audiences and callback origins sorted and without duplicates, as every adapter returns them. */
export function normalised(rp: RelyingParty): RelyingParty {
  return { ...rp, audiences: [...new Set(rp.audiences)].sort(), callbackOrigins: [...new Set(rp.callbackOrigins)].sort() };
}
