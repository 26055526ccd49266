/**
 * W3C credentials and presentations secured with Data Integrity (`ldp_vc`,
 * `ldp_vp`; OpenID4VP 1.0 Appendix B.1.3.2) as a format of the registry
 * (docs/architecture.md "Format handlers"): JSON-LD presentations whose
 * credentials are Data Integrity credentials or VC-JOSE
 * `EnvelopedVerifiableCredential`s, the proofs verified by verify-proofs.ts.
 */
import type { CheckFailure } from '../../core/model/check.js';
import type { ParsedCredential, ParsedPresentation } from '../../core/model/presentation.js';
import type { DidResolution } from '../../did/did-resolver.js';
import {
  credentialFailed,
  presentationFailed,
  type CredentialFormat,
  type FormatHandler,
  type FormatModule,
  type ProofEnvironment,
} from '../format-handler.js';
import { verifyCredentialJws } from '../jose-credential.js';
import { isObject } from '../jwt-parts.js';
import { VC_JWT } from '../vc-jose/vp-jwt-format.js';
import { w3cCredentialFormat } from '../w3c-credential.js';
import { CRYPTOSUITES } from './cryptosuites.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS, type DataIntegrityLimits } from './document-caps.js';
import { JsonLdContextSet } from './json-ld-contexts.js';
import { LDP_VC, LDP_VP, parseLdpPresentation } from './ldp-documents.js';
import { verifyDataIntegrityProofs, type DataIntegrityEnvironment } from './verify-proofs.js';

/** What the format is built with: the pinned contexts (bundled + KPARTY_JSONLD_CONTEXTS) and the caps (KPARTY_JSONLD_*). */
export interface DataIntegritySettings {
  contexts: JsonLdContextSet;
  limits: DataIntegrityLimits;
}

/** `ldp_vc`: `meta.type_values`; client_metadata names the proof type and the cryptosuites kparty verifies. */
export const LDP_VC_FORMAT: CredentialFormat = w3cCredentialFormat(LDP_VC, {
  vpFormatsSupported: { proof_type_values: ['DataIntegrityProof'], cryptosuite_values: [...CRYPTOSUITES.keys()] },
});

/** The proof layer's view of the environment: DID documents are the ones the "resolve DIDs" check fetched, never fetched again here. */
function proofLayerEnvironment(env: ProofEnvironment, settings: DataIntegritySettings): DataIntegrityEnvironment {
  return {
    dids: {
      resolve: (did: string): Promise<DidResolution> => {
        const document = env.didDocument(did);
        return Promise.resolve(document ? { ok: true, document } : { ok: false, code: 'did.unresolvable', detail: `${did.slice(0, 200)} was not resolved` });
      },
    },
    contexts: settings.contexts,
    limits: settings.limits,
    now: env.now,
    clockSkewSeconds: env.clockSkewSeconds,
  };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

export function dataIntegrityHandler(settings: DataIntegritySettings): FormatHandler {
  return {
    presentationFormat: LDP_VP,
    credentialFormats: [LDP_VC_FORMAT, VC_JWT],
    bindings: ['challenge', 'oid4vp'],

    // Any JSON object: the JWT formats claim strings; parsing says precisely what is wrong with an object.
    recognises: (input) => isObject(input),
    parse: parseLdpPresentation,

    async verifyHolderProof(presentation: ParsedPresentation, env: ProofEnvironment): Promise<CheckFailure[]> {
      if (presentation.holderKey?.kind !== 'did' || presentation.holder === undefined) {
        return [presentationFailed(presentation, 'presentation.malformed', 'the presentation names no holder DID')];
      }
      // challenge and domain are `stated`: the challenge and audience checks compare the first proof's with the submission;
      // here every proof must verify and state the same.
      const outcome = await verifyDataIntegrityProofs(
        presentation.proof,
        { role: 'presentation', path: presentation.path, signer: presentation.holder },
        proofLayerEnvironment(env, settings),
      );
      if (!outcome.ok) return outcome.failures.map((f) => ({ ...f, presentation: presentation.index }));
      const stated = presentation.challenge.kind === 'stated' ? presentation.challenge : undefined;
      if (stated && (outcome.challenge !== stated.nonce || !sameSet(outcome.domains, stated.audience))) {
        return [presentationFailed(presentation, 'presentation.signature_invalid', 'the presentation proofs state different challenges or domains')];
      }
      return [];
    },

    async verifyIssuerProof(credential: ParsedCredential, env: ProofEnvironment): Promise<CheckFailure[]> {
      if (credential.format !== LDP_VC) return verifyCredentialJws(credential, env);
      if (credential.issuerKey.kind !== 'did')
        return [credentialFailed(credential, 'credential.malformed', 'the issuer is not a DID, so its proof cannot be checked')];
      const outcome = await verifyDataIntegrityProofs(
        credential.proof,
        { role: 'credential', path: credential.path, signer: credential.issuerKey.did },
        proofLayerEnvironment(env, settings),
      );
      return outcome.ok ? [] : outcome.failures.map((f) => ({ ...f, credential: credential.ref }));
    },
  };
}

/** The Data Integrity format as registered (src/formats/registered-formats.ts). */
export const dataIntegrityModule: FormatModule = {
  credentialFormats: [LDP_VC_FORMAT],
  createHandler: (services) => dataIntegrityHandler(services.dataIntegrity ?? { contexts: JsonLdContextSet.bundled(), limits: DEFAULT_DATA_INTEGRITY_LIMITS }),
};
