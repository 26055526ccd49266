import type { CheckFailure } from '../../core/model/check.js';
import { nowSeconds, type VerificationCheck } from '../verification-context.js';

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Expiry and not-before of the presentation and of every credential, with KPARTY_CLOCK_SKEW tolerance. */
export const validityPeriodCheck: VerificationCheck = {
  name: 'validity period',
  run(context, { clockSkewSeconds: skew }) {
    const presentation = context.presentation;
    if (!presentation) return [];
    const now = nowSeconds(context);
    const failures: CheckFailure[] = [];
    if (presentation.expiresAt !== undefined && presentation.expiresAt + skew < now) {
      failures.push({ code: 'presentation.expired', path: 'presentation', detail: `the presentation expired at ${iso(presentation.expiresAt)}` });
    }
    const presentationStart = presentation.notBefore ?? presentation.issuedAt;
    if (presentationStart !== undefined && presentationStart - skew > now) {
      failures.push({ code: 'presentation.not_yet_valid', path: 'presentation', detail: `the presentation is not valid before ${iso(presentationStart)}` });
    }
    for (const credential of presentation.credentials) {
      if (credential.expiresAt !== undefined && credential.expiresAt + skew < now) {
        failures.push({ code: 'credential.expired', path: credential.path, detail: `the credential expired at ${iso(credential.expiresAt)}` });
      }
      const start = Math.max(credential.notBefore ?? -Infinity, credential.issuedAt ?? -Infinity);
      if (Number.isFinite(start) && start - skew > now) {
        failures.push({ code: 'credential.not_yet_valid', path: credential.path, detail: `the credential is not valid before ${iso(start)}` });
      }
    }
    return failures;
  },
};
