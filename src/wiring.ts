/**
 * The parts the composition root (kparty.ts) assembles, each from named
 * dependencies: session machinery, and verification (DID resolution, status
 * lists, formats). Framework-free.
 */
import { MemorySharedCache } from './cache/memory-shared-cache.js';
import type { Clock } from './core/clock.js';
import type { KpartyConfig } from './core/config.js';
import type { Fetcher } from './core/ports/fetcher.js';
import type { Storage } from './core/ports/storage.js';
import { DidDocumentCache } from './did/did-document-cache.js';
import { DidResolver } from './did/did-resolver.js';
import { DidJwkResolver } from './did/methods/jwk.js';
import { DidKeyResolver } from './did/methods/key.js';
import { DidWebResolver } from './did/methods/web.js';
import { createFormatRegistry } from './formats/registered-formats.js';
import { SessionIssuer } from './session/session-issuer.js';
import { SessionVerifier } from './session/session-verifier.js';
import { SigningKeyRing } from './session/signing-key-ring.js';
import { SigningKeyRotator } from './session/signing-key-rotation.js';
import { createStatusCheckers } from './status/index.js';
import type { VerificationDependencies } from './verification/verification-context.js';

export interface SessionParts {
  signingKeys: SigningKeyRing;
  sessions: SessionIssuer;
  sessionVerifier: SessionVerifier;
  keyRotation: SigningKeyRotator;
}

/** The session-signing key ring (opened from storage, generating the first key), the issuer, the verifier and the rotator. */
export async function wireSessions({ storage, clock, config }: { storage: Storage; clock: Clock; config: KpartyConfig }): Promise<SessionParts> {
  const signingKeys = await SigningKeyRing.open(storage.signingKeys, clock);
  const rotation = {
    leadSeconds: config.keyRotationLead,
    intervalSeconds: config.keyRotationInterval,
    sessionMaxTtl: config.sessionMaxTtl,
    clockSkew: config.clockSkew,
  };
  return {
    signingKeys,
    sessions: new SessionIssuer(signingKeys, clock, { issuer: config.issuer, defaultTtl: config.sessionTtl, maxTtl: config.sessionMaxTtl }),
    sessionVerifier: new SessionVerifier(signingKeys, storage.sessionDenylist, clock, { issuer: config.issuer, clockSkew: config.clockSkew }),
    keyRotation: new SigningKeyRotator(storage.signingKeys, clock, rotation, signingKeys),
  };
}

/**
 * What the checks table needs: DID methods (did:web through the guarded
 * fetcher and the shared document cache — Redis when configured, bounded in
 * process otherwise), the status mechanisms over one list source, the
 * registered formats, the challenge store.
 */
export function wireVerification({ storage, clock, config, fetcher }: { storage: Storage; clock: Clock; config: KpartyConfig; fetcher: Fetcher }): VerificationDependencies {
  const sharedCache = storage.sharedCache ?? new MemorySharedCache({ clock });
  const documents = new DidDocumentCache({ cache: sharedCache, clock, lifetimes: config.didCache });
  const dids = new DidResolver([new DidKeyResolver(), new DidJwkResolver(), new DidWebResolver({ fetcher, allow: config.outboundAllow, documents })]);
  const status = createStatusCheckers(
    { fetcher, dids, sharedCache },
    {
      minTtlSeconds: config.statusCacheMinTtl,
      maxTtlSeconds: config.statusCacheMaxTtl,
      staleGraceSeconds: config.statusStaleGrace,
      clockSkewSeconds: config.clockSkew,
      maxListBytes: config.statusMaxListBytes,
    },
  );
  return {
    formats: createFormatRegistry({ dids, fetcher }),
    dids,
    nonces: storage.challenges,
    clock,
    clockSkewSeconds: config.clockSkew,
    status,
    maxErrors: config.maxErrors,
  };
}
