import type { ErrorEntry } from '../core/errors.js';
import type { DcqlQuery } from '../policy/dcql-query.js';
import { MAX_PRESENTATIONS_PER_SUBMISSION } from '../verification/submission.js';
import type { Submission } from './sign-in-port.js';

/** Most presentations one vp_token may carry (each costs DID resolutions and signature checks). */
export const MAX_PRESENTATIONS_PER_VP_TOKEN = MAX_PRESENTATIONS_PER_SUBMISSION;

export type VpTokenParse = { ok: true; submission: Submission } | { ok: false; errors: ErrorEntry[] };

const malformed = (detail: string, path = 'vp_token'): VpTokenParse => ({ ok: false, errors: [{ code: 'presentation.malformed', path, detail }] });

/**
 * The OpenID4VP 1.0 `vp_token` (§8.1): a JSON object keyed by DCQL credential
 * query id, each value a non-empty array of presentations (strings or JSON
 * objects). Form-encoded responses carry it as JSON text; decrypted ones as an
 * object. Every key must be a query of the request; nothing is verified here.
 */
export function parseVpToken(raw: unknown, query: DcqlQuery): VpTokenParse {
  let token: unknown = raw;
  if (token === undefined) return malformed('the response carries no vp_token');
  if (typeof token === 'string') {
    try {
      token = JSON.parse(token);
    } catch {
      return malformed('vp_token must be a JSON object keyed by DCQL credential query id');
    }
  }
  if (token === null || typeof token !== 'object' || Array.isArray(token)) {
    return malformed('vp_token must be a JSON object keyed by DCQL credential query id');
  }
  const ids = new Set(query.credentials.map((c) => c.id));
  const presentations: Submission['presentations'] = [];
  for (const [queryId, value] of Object.entries(token)) {
    const path = `vp_token.${queryId.slice(0, 64)}`;
    if (!ids.has(queryId)) return malformed('the vp_token answers a credential query this request did not make', path);
    if (!Array.isArray(value) || value.length === 0) return malformed('each vp_token value must be a non-empty array of presentations', path);
    for (const input of value) {
      if (typeof input !== 'string' && (input === null || typeof input !== 'object' || Array.isArray(input))) {
        return malformed('a presentation must be a string or a JSON object', path);
      }
      presentations.push({ queryId, input });
      if (presentations.length > MAX_PRESENTATIONS_PER_VP_TOKEN) {
        return malformed(`a vp_token may carry at most ${MAX_PRESENTATIONS_PER_VP_TOKEN} presentations`);
      }
    }
  }
  if (presentations.length === 0) return malformed('the vp_token holds no presentation');
  return { ok: true, submission: { presentations } };
}
