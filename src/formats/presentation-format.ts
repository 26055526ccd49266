import type { CheckFailure } from '../core/model/check.js';

/**
 * Most credentials one presentation may carry. Every credential costs a DID
 * resolution and a signature check before the policy is even read, so an
 * unbounded list is a denial-of-service lever; 20 is also the policy schema's
 * maximum number of credential queries.
 */
export const MAX_CREDENTIALS_PER_PRESENTATION = 20;

export type { ParseOutcome } from './format-handler.js';

/** Shorthand for a credential that could not be parsed (`credential.malformed` at its path). */
export function credentialFailure(credential: { path: string } | string, detail: string): CheckFailure {
  return { code: 'credential.malformed', path: typeof credential === 'string' ? credential : credential.path, detail };
}

/** Shorthand for a presentation that could not be parsed. */
export function presentationMalformed(detail: string, path = 'presentation'): CheckFailure {
  return { code: 'presentation.malformed', path, detail };
}
