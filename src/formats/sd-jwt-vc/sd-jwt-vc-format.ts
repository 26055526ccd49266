/**
 * SD-JWT VC (`dc+sd-jwt`, IETF draft-ietf-oauth-sd-jwt-vc over RFC 9901) as
 * a format handler (src/formats/format-handler.ts): the presentation is the
 * credential with its disclosures and KB-JWT, so a presentation carries
 * exactly one credential. `vct` type metadata is never fetched and
 * `vct#integrity` is ignored (docs/api.md "SD-JWT VC").
 */
import type { CheckFailure } from '../../core/model/check.js';
import type { ParsedCredential, ParsedPresentation } from '../../core/model/presentation.js';
import { SUPPORTED_SIGNATURE_ALGORITHMS } from '../../crypto/signature-algorithms.js';
import { pinnedIssuers } from '../../policy/evaluation/trusted-issuers.js';
import { verifyIssuerSignature } from '../../trust/issuer-keys.js';
import { TrustAnchorStore } from '../../trust/trust-anchors.js';
import {
  credentialFailed,
  presentationFailed,
  type CredentialFormat,
  type FormatHandler,
  type FormatModule,
  type FormatServices,
  type ParseOutcome,
} from '../format-handler.js';
import { verifyKeyBinding } from './key-binding.js';
import { LEGACY_SD_JWT_VC_TYP, readSdJwtVc, SD_JWT_VC_TYP, type ReadSdJwtVc } from './read-sd-jwt-vc.js';
import { looksLikeSdJwt } from './sd-jwt-parse.js';

/** How old a KB-JWT may be (`iat`), seconds, when the composition root does not say (it passes KPARTY_CHALLENGE_TTL). */
export const DEFAULT_KEY_BINDING_MAX_AGE_SECONDS = 300;

const quote = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/** The `dc+sd-jwt` credential format: DCQL `meta.vct_values` (OpenID4VP 1.0 Appendix B.3), "all claims" = every disclosed claim. */
export const SD_JWT_VC_FORMAT: CredentialFormat = {
  id: SD_JWT_VC_TYP,
  openid4vp: {
    vpFormatsSupported: { 'sd-jwt_alg_values': SUPPORTED_SIGNATURE_ALGORITHMS, 'kb-jwt_alg_values': SUPPORTED_SIGNATURE_ALGORITHMS },
  },
  metaKeys: ['vct_values'],
  requiredMetaKeys: ['vct_values'],
  metaMismatches(meta, credential) {
    const vctValues = meta.vct_values;
    if (vctValues === undefined) return [];
    if (!Array.isArray(vctValues)) return ['meta.vct_values is not a list'];
    const vct = credential.types[0];
    if (vct !== undefined && vctValues.includes(vct)) return [];
    return [`vct ${vct === undefined ? '(none)' : quote(vct)} is not one of ${quote(vctValues)}`];
  },
  allClaims: (credential) => structuredClone(credential.document),
};

/** The handler's own parsed form, shared by the presentation and its one credential. */
interface SdJwtProof {
  read: ReadSdJwtVc;
}

const proofOf = (parsed: ParsedPresentation | ParsedCredential): SdJwtProof => parsed.proof as SdJwtProof;

/** The handler, with the trust anchors, issuer metadata and KB-JWT age (KPARTY_CHALLENGE_TTL) of `services`. */
export function sdJwtVcHandler(services: FormatServices): FormatHandler {
  const anchors = services.trustAnchors ?? TrustAnchorStore.empty();
  const maxAge = services.challengeTtlSeconds ?? DEFAULT_KEY_BINDING_MAX_AGE_SECONDS;
  return {
    presentationFormat: SD_JWT_VC_TYP,
    credentialFormats: [SD_JWT_VC_FORMAT],
    bindings: ['challenge', 'oid4vp'],

    recognises: looksLikeSdJwt,

    parse(input, scope): ParseOutcome {
      const credentialPath = scope.credentialPath(0);
      const outcome = readSdJwtVc(input);
      if (!outcome.ok) {
        const path =
          outcome.code === 'presentation.malformed'
            ? scope.path
            : outcome.disclosure !== undefined
              ? `${credentialPath}.disclosures[${outcome.disclosure}]`
              : credentialPath;
        return { ok: false, failures: [{ code: outcome.code, path, detail: outcome.detail, presentation: scope.index }] };
      }
      const read = outcome.read;
      const proof: SdJwtProof = { read };
      const subject = typeof read.claims.sub === 'string' ? read.claims.sub : undefined;
      const credential: ParsedCredential = {
        format: SD_JWT_VC_TYP,
        ref: { presentation: scope.index, credential: 0 },
        path: credentialPath,
        ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
        issuer: read.claimedIssuer,
        issuerKey:
          read.iss !== undefined && read.iss.startsWith('did:') && read.claimedIssuer === read.iss ? { kind: 'did', did: read.iss } : { kind: 'format' },
        ...(subject !== undefined ? { subject } : {}),
        holderBinding: [{ ...(read.holder !== undefined ? { id: read.holder } : {}), path: `${credentialPath}.cnf` }],
        types: [read.vct],
        document: read.claims,
        ...(read.issuedAt !== undefined ? { issuedAt: read.issuedAt } : {}),
        ...(read.notBefore !== undefined ? { notBefore: read.notBefore } : {}),
        ...(read.expiresAt !== undefined ? { expiresAt: read.expiresAt } : {}),
        status: read.claims.status !== undefined ? [{ entry: read.claims.status, path: `${credentialPath}.status` }] : [],
        proof,
      };
      const kb = read.keyBinding;
      const presentation: ParsedPresentation = {
        format: SD_JWT_VC_TYP,
        index: scope.index,
        path: scope.path,
        ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
        ...(read.holder !== undefined ? { holder: read.holder } : {}),
        // Always checked: without a usable cnf or KB-JWT the holder proof fails (sdjwt.key_binding_invalid).
        holderKey: read.holderDid !== undefined ? { kind: 'did', did: read.holderDid } : { kind: 'format' },
        challenge: { kind: 'stated', ...(kb?.nonce !== undefined ? { nonce: kb.nonce } : {}), audience: kb?.audience !== undefined ? [kb.audience] : [] },
        ...(kb?.issuedAt !== undefined ? { issuedAt: kb.issuedAt } : {}),
        credentials: [credential],
        proof,
      };
      return { ok: true, presentation, failures: [] };
    },

    async verifyHolderProof(presentation, env): Promise<CheckFailure[]> {
      const { read } = proofOf(presentation);
      const result = await verifyKeyBinding({
        kbJwt: read.parts.kbJwt,
        sdHashInput: read.parts.sdHashInput,
        hashAlgorithm: read.hashAlgorithm,
        cnf: read.payload.cnf,
        now: env.now,
        clockSkewSeconds: env.clockSkewSeconds,
        maxAgeSeconds: maxAge,
        dids: services.dids,
        didDocument: (did) => env.didDocument(did),
      });
      if (result.ok) return [];
      // A missing KB-JWT is also a missing challenge (reported by the challenge check); the proof itself failed too.
      const code = result.code === 'challenge.missing' ? 'sdjwt.key_binding_invalid' : result.code;
      return [{ ...presentationFailed(presentation, code, result.detail), path: `${presentation.path}.kb_jwt` }];
    },

    async verifyIssuerProof(credential, env): Promise<CheckFailure[]> {
      const { read } = proofOf(credential);
      const result = await verifyIssuerSignature(
        {
          jws: read.jws,
          iss: read.iss,
          typ: [SD_JWT_VC_TYP, LEGACY_SD_JWT_VC_TYP],
          purpose: 'credential-issuer',
          pinned: pinnedIssuers(env.queriesFor(credential)),
          now: env.now,
          clockSkewSeconds: env.clockSkewSeconds,
        },
        {
          dids: services.dids,
          anchors,
          ...(services.issuerMetadata ? { metadata: services.issuerMetadata } : {}),
          didDocument: (did) => env.didDocument(did),
        },
      );
      if (!result.ok) return [credentialFailed(credential, result.code, result.detail)];
      credential.issuer = result.issuerId;
      if (result.x509KeyIds.length > 0) credential.issuerKeyIds = result.x509KeyIds;
      return [];
    },
  };
}

/** The `dc+sd-jwt` format as registered (src/formats/registered-formats.ts). */
export const sdJwtVcModule: FormatModule = {
  credentialFormats: [SD_JWT_VC_FORMAT],
  createHandler: sdJwtVcHandler,
};
