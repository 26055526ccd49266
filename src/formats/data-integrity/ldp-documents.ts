import type { CheckFailure } from '../../core/model/check.js';
import { dateTimeSeconds, idOf, isObject, statusList, typeList } from '../jwt-parts.js';
import { credentialFailure, presentationMalformed } from '../presentation-format.js';
import { MAX_CREDENTIALS_PER_PRESENTATION } from '../presentation-format.js';

/** OpenID4VP 1.0 Appendix B.1.3.2 format identifiers of W3C credentials secured with Data Integrity. */
export const LDP_VP = 'ldp_vp';
export const LDP_VC = 'ldp_vc';

export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
const ENVELOPED_JWT = 'data:application/vc+jwt,';

/**
 * A JSON-LD credential secured with Data Integrity, as the document claims it
 * (nothing verified yet). Times are seconds since the epoch. VC-DM 1.1
 * (`issuanceDate`/`expirationDate`) and 2.0 (`validFrom`/`validUntil`).
 */
export interface LdpCredential {
  format: typeof LDP_VC;
  path: string;
  issuer: string;
  subject?: string;
  types: string[];
  /** The whole credential, proof included (what the proofs are verified over, and what DCQL claims paths select from). */
  document: Record<string, unknown>;
  issuedAt?: number;
  notBefore?: number;
  expiresAt?: number;
  status: unknown[];
}

/** An entry of a presentation's `verifiableCredential`: a Data Integrity credential, or a VC-JOSE one in an envelope. */
export type LdpCredentialEntry = { kind: 'ldp'; credential: LdpCredential } | { kind: 'enveloped'; path: string; compact: string };

export interface LdpPresentation {
  format: typeof LDP_VP;
  /** The holder DID: every presentation proof must be by one of its `authentication` methods. */
  holder: string;
  /** `proof.challenge` of the (first) proof: the nonce to consume; all proofs must agree (verify-proofs.ts). */
  challenge?: string;
  /** `proof.domain` values: the audience. */
  domains: string[];
  document: Record<string, unknown>;
  credentials: LdpCredentialEntry[];
}

function versionOf(document: Record<string, unknown>): 1 | 2 | Error {
  const contexts = document['@context'];
  if (!Array.isArray(contexts) || contexts.length === 0) return new Error('"@context" must be an array starting with a W3C credentials context');
  if (contexts[0] === VC_V2_CONTEXT) return 2;
  if (contexts[0] === VC_V1_CONTEXT) return 1;
  return new Error(`"@context" must start with "${VC_V2_CONTEXT}" or "${VC_V1_CONTEXT}"`);
}

/** Cheap: whether `input` looks like a JSON-LD presentation with a Data Integrity proof. */
export function looksLikeLdpPresentation(input: unknown): boolean {
  return isObject(input) && Array.isArray(input['@context']) && (typeList(input.type)?.includes('VerifiablePresentation') ?? false) && input.proof !== undefined;
}

/** Reads a Data Integrity credential's claims (VC-DM 1.1 §4 / 2.0 §4). Verifies nothing. */
export function parseLdpCredential(document: unknown, path: string): LdpCredential | CheckFailure {
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
    ...(typeof subjectId === 'string' ? { subject: subjectId } : {}),
    types,
    document,
    ...(from !== undefined ? { issuedAt: from, notBefore: from } : {}),
    ...(until !== undefined ? { expiresAt: until } : {}),
    status: statusList(document.credentialStatus),
  };
}

export type LdpPresentationParse = { ok: true; presentation: LdpPresentation; failures: CheckFailure[] } | { ok: false; failures: CheckFailure[] };

/**
 * Reads a JSON-LD presentation secured with Data Integrity: `holder` (a DID,
 * required — kparty signs in a holder), the challenge and domain of its proof,
 * and its credentials, each a Data Integrity credential or a VC-JOSE
 * `EnvelopedVerifiableCredential` (VC-DM 2.0 §4.13). Verifies nothing;
 * credentials that cannot be read are reported and left out.
 */
export function parseLdpPresentation(input: unknown): LdpPresentationParse {
  const malformed = (detail: string): LdpPresentationParse => ({ ok: false, failures: [presentationMalformed(detail)] });
  if (!isObject(input)) return malformed('a Data Integrity presentation must be a JSON object');
  const version = versionOf(input);
  if (version instanceof Error) return malformed(version.message);
  if (!typeList(input.type)?.includes('VerifiablePresentation')) return malformed('"type" must include "VerifiablePresentation"');
  const holder = idOf(input.holder);
  if (!holder || !holder.startsWith('did:')) return malformed('"holder" must be the DID of the holder');
  const proofs = Array.isArray(input.proof) ? input.proof : [input.proof];
  const first = proofs[0];
  if (!isObject(first)) return { ok: false, failures: [{ code: 'presentation.signature_invalid', path: 'presentation', detail: 'no Data Integrity proof' }] };
  const challenge = typeof first.challenge === 'string' ? first.challenge : undefined;
  const domains = typeof first.domain === 'string' ? [first.domain] : Array.isArray(first.domain) ? first.domain.filter((d): d is string => typeof d === 'string') : [];

  const listed = input.verifiableCredential === undefined ? [] : Array.isArray(input.verifiableCredential) ? input.verifiableCredential : [input.verifiableCredential];
  if (listed.length > MAX_CREDENTIALS_PER_PRESENTATION) return malformed(`at most ${MAX_CREDENTIALS_PER_PRESENTATION} credentials per presentation`);
  const credentials: LdpCredentialEntry[] = [];
  const failures: CheckFailure[] = [];
  listed.forEach((entry, index) => {
    const path = `credentials[${index}]`;
    if (isObject(entry) && typeList(entry.type)?.includes('EnvelopedVerifiableCredential')) {
      if (typeof entry.id === 'string' && entry.id.startsWith(ENVELOPED_JWT)) credentials.push({ kind: 'enveloped', path, compact: entry.id.slice(ENVELOPED_JWT.length) });
      else failures.push(credentialFailure(path, `an enveloped credential's "id" must be a "${ENVELOPED_JWT}<jwt>" data URL`));
      return;
    }
    const parsed = parseLdpCredential(entry, path);
    if ('code' in parsed) failures.push(parsed);
    else credentials.push({ kind: 'ldp', credential: parsed });
  });
  return {
    ok: true,
    presentation: { format: LDP_VP, holder, ...(challenge !== undefined ? { challenge } : {}), domains, document: input, credentials },
    failures,
  };
}
