import type { CheckFailure } from '../../core/model/check.js';
import type { VerificationCheck } from '../verification-context.js';

/**
 * Under `holderBinding: required` (the default), every place a credential
 * names its holder (each `credentialSubject`, or the confirmation key) must
 * name the holder whose proof the presentation carries: a stolen credential
 * cannot be presented by anyone but the holder it was issued to, and a
 * credential about several subjects binds only if each is the holder.
 */
export const holderBindingCheck: VerificationCheck = {
  name: 'holder binding',
  run(context) {
    if (context.policy.holderBinding === 'none') return [];
    const holders = new Map(context.presentations.map(({ parsed }) => [parsed.index, parsed.holder]));
    const failures: CheckFailure[] = [];
    for (const { credential } of context.credentials) {
      const holder = holders.get(credential.ref.presentation);
      const fail = (path: string, detail: string): void => {
        failures.push({ code: 'presentation.holder_mismatch', path, detail, credential: credential.ref });
      };
      if (credential.holderBinding.length === 0) {
        fail(credential.path, 'the credential names no subject to bind to the holder');
        continue;
      }
      const several = credential.holderBinding.length > 1;
      credential.holderBinding.forEach((place, index) => {
        const which = several ? `subject ${index} (${place.path})` : "the credential's subject";
        if (place.id === undefined) fail(place.path, several ? `${which} names no holder` : 'the credential names no subject to bind to the holder');
        else if (place.id !== holder) fail(place.path, `${which} is not the presentation's holder`);
      });
    }
    return failures;
  },
};
