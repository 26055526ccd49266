import type { CheckFailure } from '../core/model/check.js';
import type { ParsedCredential, ParsedJws, ParsedPresentation } from '../core/model/presentation.js';
import type { ParseOutcome, ParseScope } from './format-handler.js';
import type { JoseCredential } from './jose-credential.js';
import { audienceList, numericDate } from './jwt-parts.js';
import { MAX_CREDENTIALS_PER_PRESENTATION, presentationMalformed } from './presentation-format.js';

/** Places a parsed credential in its submission: its reference, its proof. */
export function placeCredential(parsed: JoseCredential, scope: ParseScope, index: number): ParsedCredential {
  const { jws, ...credential } = parsed;
  return {
    ...credential,
    ref: { presentation: scope.index, credential: index },
    ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
    proof: jws,
  };
}

/**
 * What the JWT-secured presentation formats share: `nonce`, `aud` and the
 * NumericDate claims of the presentation JWT, and a bounded list of embedded
 * credentials each parsed on its own (one bad credential does not hide the others).
 */
export function parseJwtPresentation(
  format: string,
  payload: Record<string, unknown>,
  jws: ParsedJws,
  holder: string | undefined,
  credentialEntries: unknown,
  parseCredential: (entry: unknown, path: string) => JoseCredential | CheckFailure,
  scope: ParseScope,
): ParseOutcome {
  const fail = (detail: string): ParseOutcome => ({ ok: false, failures: [presentationMalformed(detail, scope.path)] });
  const audience = audienceList(payload.aud);
  if (audience instanceof Error) return fail(audience.message);
  if (payload.nonce !== undefined && typeof payload.nonce !== 'string') return fail('"nonce" must be a string');
  const iat = numericDate(payload, 'iat');
  const nbf = numericDate(payload, 'nbf');
  const exp = numericDate(payload, 'exp');
  for (const value of [iat, nbf, exp]) if (value instanceof Error) return fail(value.message);

  const entries: unknown[] = credentialEntries === undefined ? [] : Array.isArray(credentialEntries) ? credentialEntries : [credentialEntries];
  if (entries.length > MAX_CREDENTIALS_PER_PRESENTATION) {
    return fail(`the presentation carries ${entries.length} credentials; at most ${MAX_CREDENTIALS_PER_PRESENTATION} are accepted`);
  }
  const credentials: ParsedCredential[] = [];
  const failures: CheckFailure[] = [];
  entries.forEach((entry, index) => {
    const parsed = parseCredential(entry, scope.credentialPath(index));
    if ('code' in parsed) failures.push(parsed);
    else credentials.push(placeCredential(parsed, scope, index));
  });
  const presentation: ParsedPresentation = {
    format,
    index: scope.index,
    path: scope.path,
    ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
    ...(holder !== undefined ? { holder, holderKey: { kind: 'did', did: holder } } : {}),
    challenge: { kind: 'stated', ...(typeof payload.nonce === 'string' ? { nonce: payload.nonce } : {}), audience },
    ...(typeof iat === 'number' ? { issuedAt: iat } : {}),
    ...(typeof nbf === 'number' ? { notBefore: nbf } : {}),
    ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
    credentials,
    proof: jws,
  };
  return { ok: true, failures, presentation };
}
