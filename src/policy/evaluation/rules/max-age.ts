/**
 * kparty's freshness rule (docs/api.md "Presentation policies", `maxAgeSeconds`): the credential was issued
 * no longer than `maxAgeSeconds` (plus the tolerated clock skew) ago, measured
 * from `issuedAt`, or `notBefore` when the credential states no issuance time.
 * A credential stating neither fails: its age cannot be shown to be within the
 * limit, and an age limit that unknown ages pass would be no limit (fail closed).
 */
import type { CandidateRule } from './candidate-rule.js';

function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds}` : date.toISOString();
}

export const maxAgeRule: CandidateRule = (query, credential, clock) => {
  const maxAge = query.maxAgeSeconds;
  if (maxAge === undefined) return [];
  const issued = Number.isFinite(credential.issuedAt) ? credential.issuedAt : credential.notBefore;
  if (issued === undefined || !Number.isFinite(issued)) {
    return [
      {
        code: 'credential.too_old',
        detail: `issuance time is unknown (no iat, nbf, issuanceDate or validFrom), so the maximum age of ${maxAge} s cannot be checked`,
      },
    ];
  }
  const oldestAccepted = clock.now / 1000 - maxAge - clock.clockSkewSeconds;
  return issued >= oldestAccepted ? [] : [{ code: 'credential.too_old', detail: `issued at ${isoTime(issued)}, more than the maximum age of ${maxAge} s ago` }];
};
