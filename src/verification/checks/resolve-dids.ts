import type { CheckFailure } from '../../core/model/check.js';
import type { VerificationCheck } from '../verification-context.js';

/**
 * Resolve the holder's DID and every issuer's DID once each, concurrently.
 * A DID that fails is reported at every place that names it.
 */
export const resolveDidsCheck: VerificationCheck = {
  name: 'resolve DIDs',
  async run(context, { dids }) {
    const presentation = context.presentation;
    if (!presentation) return [];
    const failures: CheckFailure[] = [];
    const places = new Map<string, string[]>();
    const add = (did: string, path: string): void => {
      places.set(did, [...(places.get(did) ?? []), path]);
    };
    if (presentation.holder === undefined) {
      failures.push({ code: 'presentation.malformed', path: 'presentation', detail: 'the presentation names no holder, so its signature cannot be checked' });
    } else {
      add(presentation.holder, 'presentation');
    }
    for (const credential of presentation.credentials) add(credential.issuer, credential.path);

    const results = await Promise.all([...places.keys()].map(async (did) => [did, await dids.resolve(did, context.budget ? { budget: context.budget } : {})] as const));
    for (const [did, result] of results) {
      if (result.ok) {
        context.documents.set(did, result.document);
        continue;
      }
      context.documents.set(did, null);
      for (const path of places.get(did) ?? []) failures.push({ code: result.code, path, detail: `${did.slice(0, 200)}: ${result.detail}` });
    }
    return failures;
  },
};
