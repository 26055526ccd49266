import type { CheckFailure } from '../../core/model/check.js';
import type { KeySource } from '../../core/model/presentation.js';
import { proofEnvironment, type VerificationCheck, type VerificationContext } from '../verification-context.js';

/** Whether the key a proof needs is at hand: a DID that failed to resolve was reported by the previous check. */
function keyAvailable(source: KeySource | undefined, context: VerificationContext): boolean {
  if (source === undefined) return false;
  return source.kind !== 'did' || Boolean(context.documents.get(source.did));
}

/**
 * Each presentation's holder proof and each credential's issuer proof,
 * verified by the format that parsed them (format-handler.ts).
 */
export const signaturesCheck: VerificationCheck = {
  name: 'signatures',
  async run(context, deps) {
    const env = proofEnvironment(context, deps);
    const jobs: Array<Promise<CheckFailure[]>> = [];
    for (const state of context.presentations) {
      if (!keyAvailable(state.parsed.holderKey, context)) continue;
      jobs.push(
        state.handler.verifyHolderProof(state.parsed, env).then((failures) => {
          state.holderProofValid = failures.length === 0;
          return failures.map((f) => ({ ...f, presentation: f.presentation ?? state.parsed.index }));
        }),
      );
    }
    const handlers = new Map(context.presentations.map((state) => [state.parsed.index, state.handler]));
    for (const state of context.credentials) {
      const handler = handlers.get(state.credential.ref.presentation);
      if (!handler || !keyAvailable(state.credential.issuerKey, context)) continue;
      jobs.push(
        handler.verifyIssuerProof(state.credential, env).then((failures) => {
          state.issuerProofValid = failures.length === 0;
          // Every failure of an issuer proof is the credential's, whatever the format said.
          return failures.map((f) => ({ ...f, credential: state.credential.ref }));
        }),
      );
    }
    return (await Promise.all(jobs)).flat();
  },
};
