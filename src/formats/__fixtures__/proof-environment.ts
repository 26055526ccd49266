import type { DidDocument } from '../../did/did-document.js';
import { DidResolver } from '../../did/did-resolver.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import type { ParseScope, ProofEnvironment } from '../format-handler.js';

export const NOW = Date.UTC(2030, 0, 1);

/** The scope of a single `presentation`, as the parse check gives it. */
export const SINGLE: ParseScope = { index: 0, path: 'presentation', credentialPath: (i) => `credentials[${i}]` };

/** The scope of the second presentation answering query `pid` of an OpenID4VP vp_token. */
export const SECOND_OF_PID: ParseScope = { index: 1, path: 'vpToken.pid[1]', queryId: 'pid', credentialPath: (i) => `vpToken.pid[1].credentials[${i}]` };

/** A proof environment whose DID documents are these DIDs resolved (did:key), `null` for the ones listed as failed. */
export async function proofEnvironmentFor(dids: readonly string[], failed: readonly string[] = []): Promise<ProofEnvironment> {
  const resolver = new DidResolver([new DidKeyResolver()]);
  const documents = new Map<string, DidDocument | null>();
  for (const did of dids) {
    const result = await resolver.resolve(did);
    documents.set(did, result.ok ? result.document : null);
  }
  for (const did of failed) documents.set(did, null);
  return {
    now: NOW,
    clockSkewSeconds: 60,
    binding: { nonce: 'n-1', audience: 'https://rp.example' },
    didDocument: (did) => documents.get(did),
    queriesFor: () => [],
  };
}
