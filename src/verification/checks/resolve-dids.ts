import type { CheckFailure } from '../../core/model/check.js';
import type { CredentialRef } from '../../core/model/presentation.js';
import type { VerificationCheck } from '../verification-context.js';

interface Place {
  path: string;
  presentation?: number;
  credential?: CredentialRef;
}

/**
 * Resolve every DID a proof's key comes from (holders and issuers whose
 * format names a `did` key source) once each, concurrently. A DID that fails
 * is reported at every place that names it.
 */
export const resolveDidsCheck: VerificationCheck = {
  name: 'resolve DIDs',
  async run(context, { dids }) {
    const failures: CheckFailure[] = [];
    const places = new Map<string, Place[]>();
    const add = (did: string, place: Place): void => {
      places.set(did, [...(places.get(did) ?? []), place]);
    };
    for (const { parsed } of context.presentations) {
      if (parsed.holderKey === undefined) {
        failures.push({
          code: 'presentation.malformed',
          path: parsed.path,
          detail: 'the presentation names no holder, so its signature cannot be checked',
          presentation: parsed.index,
        });
      } else if (parsed.holderKey.kind === 'did') {
        add(parsed.holderKey.did, { path: parsed.path, presentation: parsed.index });
      }
    }
    for (const { credential } of context.credentials) {
      if (credential.issuerKey.kind === 'did') add(credential.issuerKey.did, { path: credential.path, credential: credential.ref });
    }

    const results = await Promise.all(
      [...places.keys()].map(async (did) => [did, await dids.resolve(did, context.budget ? { budget: context.budget } : {})] as const),
    );
    for (const [did, result] of results) {
      if (result.ok) {
        context.documents.set(did, result.document);
        continue;
      }
      context.documents.set(did, null);
      for (const place of places.get(did) ?? []) failures.push({ code: result.code, detail: `${did.slice(0, 200)}: ${result.detail}`, ...place });
    }
    return failures;
  },
};
