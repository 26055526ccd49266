import type { CheckFailure } from '../../core/model/check.js';
import type { ParsedCredential, ParsedPresentation } from '../../core/model/presentation.js';
import type { ParseOutcome, ParseScope } from '../format-handler.js';
import type { JoseCredential } from '../jose-credential.js';
import { dateTimeSeconds, idOf, isObject, typeList } from '../jwt-parts.js';
import { placeCredential } from '../jwt-presentation.js';
import { credentialFailure, MAX_CREDENTIALS_PER_PRESENTATION, presentationMalformed } from '../presentation-format.js';
import { StandaloneCredential } from '../standalone-credential.js';
import { parseVcJwtV2 } from '../vc-jose/vc-jwt-v2.js';
import { credentialStatusReferences, subjectBindings } from '../w3c-credential.js';

/** OpenID4VP 1.0 Appendix B.1.3.2 format identifiers of W3C credentials secured with Data Integrity. */
export const LDP_VP = 'ldp_vp';
export const LDP_VC = 'ldp_vc';

export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
const ENVELOPED_JWT = 'data:application/vc+jwt,';

/** A Data Integrity credential before it is placed in a submission (no `ref`); its proof is the secured document itself. */
export type DataIntegrityCredential = Omit<ParsedCredential, 'ref' | 'proof'>;

function versionOf(document: Record<string, unknown>): 1 | 2 | Error {
  const contexts = document['@context'];
  if (!Array.isArray(contexts) || contexts.length === 0) return new Error('"@context" must be an array starting with a W3C credentials context');
  if (contexts[0] === VC_V2_CONTEXT) return 2;
  if (contexts[0] === VC_V1_CONTEXT) return 1;
  return new Error(`"@context" must start with "${VC_V2_CONTEXT}" or "${VC_V1_CONTEXT}"`);
}

/** Cheap: a JSON-LD presentation object with a proof (a JWT string or an SD-JWT never matches). */
export function looksLikeLdpPresentation(input: unknown): boolean {
  return (
    isObject(input) && Array.isArray(input['@context']) && (typeList(input.type)?.includes('VerifiablePresentation') ?? false) && input.proof !== undefined
  );
}

/** Reads a Data Integrity credential's claims (VC-DM 1.1 §4 / 2.0 §4). Verifies nothing. */
export function parseLdpCredential(document: unknown, path: string): DataIntegrityCredential | CheckFailure {
  if (!isObject(document)) return credentialFailure(path, 'the credential must be a JSON object');
  const version = versionOf(document);
  if (version instanceof Error) return credentialFailure(path, version.message);
  const types = typeList(document.type);
  if (!types?.includes('VerifiableCredential')) return credentialFailure(path, '"type" must include "VerifiableCredential"');
  const issuer = idOf(document.issuer);
  if (!issuer) return credentialFailure(path, '"issuer" is missing');
  const subjects = Array.isArray(document.credentialSubject) ? document.credentialSubject : [document.credentialSubject];
  if (subjects.length === 0 || !subjects.every(isObject)) return credentialFailure(path, '"credentialSubject" must be an object');
  const subjectId = (subjects[0] as Record<string, unknown>).id;
  if (subjectId !== undefined && typeof subjectId !== 'string') return credentialFailure(path, '"credentialSubject.id" must be a string');
  const from = dateTimeSeconds(version === 2 ? document.validFrom : document.issuanceDate, version === 2 ? 'validFrom' : 'issuanceDate');
  const until = dateTimeSeconds(version === 2 ? document.validUntil : document.expirationDate, version === 2 ? 'validUntil' : 'expirationDate');
  if (from instanceof Error) return credentialFailure(path, from.message);
  if (until instanceof Error) return credentialFailure(path, until.message);
  if (version === 1 && from === undefined) return credentialFailure(path, '"issuanceDate" is required (VC-DM 1.1)');
  return {
    format: LDP_VC,
    path,
    issuer,
    issuerKey: issuer.startsWith('did:') ? { kind: 'did', did: issuer } : { kind: 'format' },
    ...(typeof subjectId === 'string' ? { subject: subjectId } : {}),
    holderBinding: subjectBindings(document.credentialSubject, path, typeof subjectId === 'string' ? subjectId : undefined),
    types,
    document,
    ...(from !== undefined ? { issuedAt: from, notBefore: from } : {}),
    ...(until !== undefined ? { expiresAt: until } : {}),
    status: credentialStatusReferences(document.credentialStatus, path),
  };
}

/** Each entry of `verifiableCredential`: a Data Integrity credential or an enveloped VC-JOSE one; unreadable ones reported. */
function readCredentials(listed: unknown[], scope: ParseScope): { credentials: ParsedCredential[]; failures: CheckFailure[] } {
  const credentials: ParsedCredential[] = [];
  const failures: CheckFailure[] = [];
  listed.forEach((entry, index) => {
    const path = scope.credentialPath(index);
    if (isObject(entry) && typeList(entry.type)?.includes('EnvelopedVerifiableCredential')) {
      if (typeof entry.id !== 'string' || !entry.id.startsWith(ENVELOPED_JWT)) {
        failures.push(credentialFailure(path, `an enveloped credential's "id" must be a "${ENVELOPED_JWT}<jwt>" data URL`));
        return;
      }
      const parsed: JoseCredential | CheckFailure = parseVcJwtV2(entry.id.slice(ENVELOPED_JWT.length), path);
      if ('code' in parsed) failures.push(parsed);
      else credentials.push(placeCredential(parsed, scope, index));
      return;
    }
    const parsed = parseLdpCredential(entry, path);
    if ('code' in parsed) failures.push(parsed);
    else credentials.push(placeDataIntegrity(parsed, scope, index));
  });
  return { credentials, failures };
}

/** A credential on its own (W3C VC API): a presentation with no holder, no proof and no challenge. */
function parseStandalone(input: StandaloneCredential, scope: ParseScope): ParseOutcome {
  const { credentials, failures } = readCredentials([input.credential], scope);
  if (credentials.length === 0) return { ok: false, failures };
  const presentation: ParsedPresentation = {
    format: LDP_VP,
    index: scope.index,
    path: scope.path,
    challenge: { kind: 'stated', audience: [] },
    credentials,
    proof: null,
  };
  return { ok: true, presentation, failures };
}

function placeDataIntegrity(parsed: DataIntegrityCredential, scope: ParseScope, index: number): ParsedCredential {
  return {
    ...parsed,
    ref: { presentation: scope.index, credential: index },
    ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
    proof: parsed.document,
  };
}

/**
 * Reads a JSON-LD presentation secured with Data Integrity: `holder` (a DID,
 * required — the proof is checked with its `authentication` keys), the
 * challenge and domain its (first) proof states — the submission checks
 * compare them with the challenge and audience; every proof must state the
 * same (verify-proofs.ts) — and its credentials, each a Data Integrity
 * credential or a VC-JOSE `EnvelopedVerifiableCredential` (VC-DM 2.0 §4.13).
 * Verifies nothing; credentials that cannot be read are reported and left out.
 */
export function parseLdpPresentation(input: unknown, scope: ParseScope): ParseOutcome {
  if (input instanceof StandaloneCredential) return parseStandalone(input, scope);
  const malformed = (detail: string): ParseOutcome => ({ ok: false, failures: [presentationMalformed(detail, scope.path)] });
  if (!isObject(input)) return malformed('a Data Integrity presentation must be a JSON object');
  const version = versionOf(input);
  if (version instanceof Error) return malformed(version.message);
  if (!typeList(input.type)?.includes('VerifiablePresentation')) return malformed('"type" must include "VerifiablePresentation"');
  const holder = idOf(input.holder);
  if (!holder || !holder.startsWith('did:')) return malformed('"holder" must be the DID of the holder');
  const proofs = Array.isArray(input.proof) ? input.proof : [input.proof];
  const first = proofs[0];
  if (!isObject(first)) return { ok: false, failures: [{ code: 'presentation.signature_invalid', path: scope.path, detail: 'no Data Integrity proof' }] };
  const challenge = typeof first.challenge === 'string' ? first.challenge : undefined;
  const audience =
    typeof first.domain === 'string' ? [first.domain] : Array.isArray(first.domain) ? first.domain.filter((d): d is string => typeof d === 'string') : [];

  const listed =
    input.verifiableCredential === undefined ? [] : Array.isArray(input.verifiableCredential) ? input.verifiableCredential : [input.verifiableCredential];
  if (listed.length > MAX_CREDENTIALS_PER_PRESENTATION)
    return malformed(`the presentation carries ${listed.length} credentials; at most ${MAX_CREDENTIALS_PER_PRESENTATION} are accepted`);
  const { credentials, failures } = readCredentials(listed, scope);
  const presentation: ParsedPresentation = {
    format: LDP_VP,
    index: scope.index,
    path: scope.path,
    ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
    holder,
    holderKey: { kind: 'did', did: holder },
    challenge: { kind: 'stated', ...(challenge !== undefined ? { nonce: challenge } : {}), audience },
    credentials,
    proof: input,
  };
  return { ok: true, presentation, failures };
}
