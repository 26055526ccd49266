import type { CheckFailure } from '../../core/model/check.js';
import type { VerificationCheck } from '../verification-context.js';

/**
 * Under `holderBinding: required` (the default), the presentation's signer must
 * be the subject of every credential: a stolen credential cannot be presented
 * by anyone but the holder it was issued to.
 */
export const holderBindingCheck: VerificationCheck = {
  name: 'holder binding',
  run(context) {
    const presentation = context.presentation;
    if (!presentation || context.policy.policy.holderBinding === 'none') return [];
    const failures: CheckFailure[] = [];
    for (const credential of presentation.credentials) {
      if (credential.subject === undefined || credential.subject !== presentation.holder) {
        failures.push({
          code: 'presentation.holder_mismatch',
          path: credential.path,
          detail: credential.subject === undefined ? 'the credential names no subject to bind to the holder' : "the credential's subject is not the presentation's holder",
        });
      }
    }
    return failures;
  },
};
