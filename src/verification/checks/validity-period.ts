import type { CheckFailure } from '../../core/model/check.js';
import { nowSeconds, type VerificationCheck } from '../verification-context.js';

function iso(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds}` : date.toISOString();
}

/** Expiry and not-before of every presentation and of every credential, with KPARTY_CLOCK_SKEW tolerance. */
export const validityPeriodCheck: VerificationCheck = {
  name: 'validity period',
  run(context, { clockSkewSeconds: skew }) {
    const now = nowSeconds(context);
    const failures: CheckFailure[] = [];
    for (const { parsed: presentation } of context.presentations) {
      const at = { path: presentation.path, presentation: presentation.index };
      if (presentation.expiresAt !== undefined && presentation.expiresAt + skew < now) {
        failures.push({ code: 'presentation.expired', detail: `the presentation expired at ${iso(presentation.expiresAt)}`, ...at });
      }
      const presentationStart = presentation.notBefore ?? presentation.issuedAt;
      if (presentationStart !== undefined && presentationStart - skew > now) {
        failures.push({ code: 'presentation.not_yet_valid', detail: `the presentation is not valid before ${iso(presentationStart)}`, ...at });
      }
    }
    for (const { credential } of context.credentials) {
      const at = { path: credential.path, credential: credential.ref };
      if (credential.expiresAt !== undefined && credential.expiresAt + skew < now) {
        failures.push({ code: 'credential.expired', detail: `the credential expired at ${iso(credential.expiresAt)}`, ...at });
      }
      const start = Math.max(credential.notBefore ?? -Infinity, credential.issuedAt ?? -Infinity);
      if (Number.isFinite(start) && start - skew > now) {
        failures.push({ code: 'credential.not_yet_valid', detail: `the credential is not valid before ${iso(start)}`, ...at });
      }
    }
    return failures;
  },
};
