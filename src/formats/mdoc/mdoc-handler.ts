import type { CheckFailure } from '../../core/model/check.js';
import type { ParsedCredential, ParsedPresentation } from '../../core/model/presentation.js';
import { TrustAnchorStore, x509HashIdentifier } from '../../trust/index.js';
import {
  credentialFailed,
  presentationFailed,
  type CredentialFormat,
  type FormatHandler,
  type FormatModule,
  type FormatServices,
  type ParseOutcome,
} from '../format-handler.js';
import { presentationMalformed } from '../presentation-format.js';
import { anchoredChainValidator, type ChainValidator } from './chain-validator.js';
import { DEFAULT_CBOR_LIMITS, type CborLimits } from './cbor-scan.js';
import { x5chain } from './cose.js';
import { parseDeviceResponse, type MdocDocument } from './device-response.js';
import { MDOC_FORMAT, MDOC_META_KEYS, looksLikeDeviceResponse, mdocVpFormatsSupported } from './mdoc-format.js';
import { parseMso, type MobileSecurityObject } from './mso.js';
import { openId4VpSessionTranscript } from './session-transcript.js';
import { checkDeviceAuth, checkIssuerAuth, checkMsoCoversDocument, deviceKeyHolder, documentClaims } from './verify-device-response.js';

/** What the handler keeps of each document, for its proof checks (ParsedCredential `proof`). */
interface MdocProof {
  document: MdocDocument;
  mso: MobileSecurityObject;
}

/** The `mso_mdoc` credential format (OpenID4VP 1.0 Appendix B.2): `meta.doctype_value` required; "all claims" = every disclosed element. */
export const MSO_MDOC: CredentialFormat = {
  id: MDOC_FORMAT,
  openid4vp: { vpFormatsSupported: mdocVpFormatsSupported()[MDOC_FORMAT] as Record<string, unknown> },
  metaKeys: MDOC_META_KEYS,
  requiredMetaKeys: MDOC_META_KEYS,
  metaMismatches(meta, credential) {
    const wanted = meta.doctype_value;
    if (wanted === undefined) return [];
    const docType = credential.types[0];
    return docType === wanted ? [] : [`docType ${JSON.stringify(docType ?? '(none)')} is not ${JSON.stringify(wanted)}`];
  },
  allClaims: (credential) => structuredClone(credential.document),
};

/**
 * mdoc DeviceResponses (ISO/IEC 18013-5 §8.3.2.1.2.2) over OpenID4VP 1.0
 * only: the device proves possession by signing the OpenID4VP session
 * transcript, so there is no challenge inside to compare
 * (`challenge: proved`). Parsing reads the DeviceResponse and each MSO
 * (pre-scanned CBOR, nothing verified); the holder proof is every document's
 * DeviceAuth over the transcript of this request; the issuer proof is the
 * IssuerAuth chain and signature plus the element digests. Validity
 * (`validityInfo`) is the validity-period check's, from `notBefore`/`expiresAt`.
 */
export function createMdocHandler(options: { validateChain: ChainValidator; limits?: CborLimits }): FormatHandler {
  const limits = options.limits ?? DEFAULT_CBOR_LIMITS;
  return {
    presentationFormat: MDOC_FORMAT,
    credentialFormats: [MSO_MDOC],
    bindings: ['oid4vp'],
    recognises: looksLikeDeviceResponse,

    parse(input, scope): ParseOutcome {
      if (typeof input !== 'string') return { ok: false, failures: [presentationMalformed('an mdoc DeviceResponse is a base64url string', scope.path)] };
      const parsed = parseDeviceResponse(input, limits);
      const at = (path: string): string =>
        path === 'presentation' ? scope.path : path.replace(/^credentials\[(\d+)\]/, (_m, i: string) => scope.credentialPath(Number(i)));
      if (!parsed.ok) return { ok: false, failures: parsed.failures.map((f) => ({ ...f, path: at(f.path) })) };
      const { response } = parsed;
      if (response.status !== 0)
        return { ok: false, failures: [presentationMalformed(`the DeviceResponse status is ${response.status}, not 0 (OK)`, scope.path)] };
      const failures: CheckFailure[] = parsed.failures.map((f) => ({ ...f, path: at(f.path) }));
      if (response.documents.length === 0) {
        return { ok: false, failures: failures.length > 0 ? failures : [presentationMalformed('the DeviceResponse carries no document', scope.path)] };
      }

      const credentials: ParsedCredential[] = [];
      let holder: string | undefined;
      for (const document of response.documents) {
        const index = Number(/\d+/.exec(document.path)?.[0]);
        const path = scope.credentialPath(index);
        const ref = { presentation: scope.index, credential: index };
        const mso = parseMso(document.issuerAuth.payload as Uint8Array, limits);
        const chain = x5chain(document.issuerAuth);
        if (!mso.ok || !chain.ok) {
          failures.push({
            code: 'credential.malformed',
            path,
            detail: mso.ok ? `issuerAuth: ${(chain as { detail: string }).detail}` : `the MSO: ${mso.detail}`,
            credential: ref,
          });
          continue;
        }
        const documentHolder = deviceKeyHolder(mso.value);
        if (holder !== undefined && holder !== documentHolder) {
          return {
            ok: false,
            failures: [
              presentationMalformed(
                'the documents of one DeviceResponse are bound to different device keys; present each in its own DeviceResponse',
                scope.path,
              ),
            ],
          };
        }
        holder = documentHolder;
        const { status } = mso.value;
        credentials.push({
          format: MDOC_FORMAT,
          ref,
          path,
          ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
          issuer: x509HashIdentifier(chain.value[0] as Uint8Array),
          issuerKey: { kind: 'format' },
          holderBinding: [{ id: documentHolder, path: `${path}.deviceKey` }],
          types: [document.docType],
          document: documentClaims(document),
          issuedAt: Math.floor(mso.value.signed / 1000),
          notBefore: Math.floor(mso.value.validFrom / 1000),
          expiresAt: Math.floor(mso.value.validUntil / 1000),
          status: status !== undefined ? [{ entry: status, path: `${path}.status` }] : [],
          proof: { document: { ...document, path }, mso: mso.value } satisfies MdocProof,
        });
      }
      if (credentials.length === 0) return { ok: false, failures };
      const presentation: ParsedPresentation = {
        format: MDOC_FORMAT,
        index: scope.index,
        path: scope.path,
        ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
        ...(holder !== undefined ? { holder } : {}),
        holderKey: { kind: 'format' },
        challenge: { kind: 'proved' },
        credentials,
        proof: null,
      };
      return { ok: true, presentation, failures };
    },

    async verifyHolderProof(presentation, env) {
      const oid4vp = env.binding.oid4vp;
      if (!oid4vp) {
        return [
          presentationFailed(
            presentation,
            'presentation.format_unsupported',
            'mso_mdoc presentations are bound to an OpenID4VP session transcript; present them through OpenID4VP',
          ),
        ];
      }
      const transcript = openId4VpSessionTranscript({
        clientId: oid4vp.clientId,
        nonce: oid4vp.nonce,
        responseUri: oid4vp.responseUri,
        ...(oid4vp.responseEncryptionJwkThumbprint !== undefined ? { jwkThumbprint: oid4vp.responseEncryptionJwkThumbprint } : {}),
      });
      const failures: CheckFailure[] = [];
      for (const credential of presentation.credentials) {
        const { document, mso } = credential.proof as MdocProof;
        const step = checkDeviceAuth(document, mso, transcript, credential.path);
        if (!step.ok) failures.push({ ...step.failure, presentation: presentation.index });
      }
      return failures;
    },

    async verifyIssuerProof(credential, env) {
      const { document, mso } = credential.proof as MdocProof;
      const issuerAuth = checkIssuerAuth(document, options.validateChain, { now: env.now, clockSkewSeconds: env.clockSkewSeconds });
      if (!issuerAuth.ok) return [credentialFailed(credential, issuerAuth.failure.code, issuerAuth.failure.detail, issuerAuth.failure.path)];
      // For DCQL trusted_authorities (aki), checked by the policy.
      credential.issuerKeyIds = issuerAuth.value.keyIds;
      const covered = checkMsoCoversDocument(document, mso);
      if (!covered.ok) return [credentialFailed(credential, covered.failure.code, covered.failure.detail, covered.failure.path)];
      return [];
    },
  };
}

/** The mso_mdoc format as registered (src/formats/registered-formats.ts): IACAs from KPARTY_TRUST_ANCHORS, CBOR caps from KPARTY_MDOC_*. */
export const mdocModule: FormatModule = {
  credentialFormats: [MSO_MDOC],
  createHandler: (services: FormatServices) =>
    createMdocHandler({
      validateChain: anchoredChainValidator(services.trustAnchors ?? TrustAnchorStore.empty()),
      ...(services.mdocLimits ? { limits: services.mdocLimits } : {}),
    }),
};
