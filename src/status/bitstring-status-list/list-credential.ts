import type { Clock } from '../../core/clock.js';
import type { DidResolver } from '../../did/did-resolver.js';
import type { RequestBudget } from '../../net/request-budget.js';
import type { DataIntegrityLimits } from '../../formats/data-integrity/document-caps.js';
import type { JsonLdContextSet } from '../../formats/data-integrity/json-ld-contexts.js';
import { parseLdpCredential } from '../../formats/data-integrity/ldp-documents.js';
import { verifyDataIntegrityProofs } from '../../formats/data-integrity/verify-proofs.js';
import { decodeJwt, isObject } from '../../formats/jwt-parts.js';
import { parseVcJwt } from '../../formats/jwt-vc/vc-jwt.js';
import { parseVcJwtV2, VC_JWT_TYP } from '../../formats/vc-jose/vc-jwt-v2.js';
import { verifyStatusListSignature } from '../list-signature.js';
import { invalidList, unavailableList, type StatusListProblem } from '../status-outcome.js';

/** A W3C status list credential whose issuer signature verified. */
export interface VerifiedListCredential {
  /** The DID that signed it (its `issuer`). */
  issuer: string;
  types: string[];
  /** The credential object: the `vc` claim (VC-DM 1.1) or the payload (VC-DM 2.0). */
  document: Record<string, unknown>;
  /** Seconds since the epoch. */
  notBefore?: number;
  expiresAt?: number;
}

/** Media types a W3C status list credential may be served as (W3C Bitstring Status List §4; servers often say less). */
export const LIST_CREDENTIAL_MEDIA_TYPES = [
  'application/vc+jwt',
  'application/jwt',
  'application/vc',
  'application/vc+ld+json',
  'application/ld+json',
  'application/json',
  'text/plain',
  'application/octet-stream',
];

const ENVELOPED_JWT = 'data:application/vc+jwt,';

/** What verifying a Data Integrity-secured list credential needs besides the DID resolver. */
export interface ListDataIntegrity {
  contexts: JsonLdContextSet;
  limits: DataIntegrityLimits;
  clock: Clock;
  clockSkewSeconds: number;
}

async function readDataIntegrityList(
  json: Record<string, unknown>,
  dids: DidResolver,
  settings: ListDataIntegrity,
): Promise<VerifiedListCredential | StatusListProblem> {
  const parsed = parseLdpCredential(json, 'statusList');
  if ('code' in parsed) return invalidList('list_malformed', `the status list credential is malformed: ${parsed.detail}`);
  const verified = await verifyDataIntegrityProofs(
    json,
    { role: 'credential', path: 'statusList', signer: parsed.issuer },
    { dids, contexts: settings.contexts, limits: settings.limits, now: settings.clock.now(), clockSkewSeconds: settings.clockSkewSeconds },
  );
  if (!verified.ok) {
    const failure = verified.failures[0]!;
    if (failure.code === 'did.unresolvable' || failure.code === 'did.method_unsupported') {
      return unavailableList('signer_unresolvable', `the status list's signer cannot be resolved: ${failure.detail}`);
    }
    if (failure.code === 'credential.malformed') return invalidList('list_malformed', `the status list credential is malformed: ${failure.detail}`);
    return invalidList('signature_invalid', `the status list's Data Integrity proof: ${failure.detail}`);
  }
  return {
    issuer: parsed.issuer,
    types: parsed.types,
    document: parsed.document,
    ...(parsed.notBefore !== undefined ? { notBefore: parsed.notBefore } : {}),
    ...(parsed.expiresAt !== undefined ? { expiresAt: parsed.expiresAt } : {}),
  };
}

/**
 * Reads a fetched W3C status list credential and verifies its signature
 * through the same machinery as presented credentials: the VC-JWT parsers of
 * src/formats/ (VC-DM 1.1 `vc` claim, or VC-DM 2.0 `vc+jwt`, also as an
 * `EnvelopedVerifiableCredential`), the DID resolver and the JWS verifier.
 *
 * - A JSON credential with a Data Integrity `proof`: verified like a presented
 *   Data Integrity credential (src/formats/data-integrity/verify-proofs.ts: the
 *   pinned contexts, the caps, every proof by an `assertionMethod` key of the
 *   list's `issuer`). Which issuers a credential accepts for its list is then
 *   decided exactly as for a JOSE-secured list. Without the Data Integrity
 *   settings (`dataIntegrity` absent) such a list stays `unavailable`.
 * - A JSON credential without any proof: `invalid` — an unsigned list could
 *   have been written by anyone on the path.
 */
export async function readListCredential(
  body: string,
  dids: DidResolver,
  dataIntegrity?: ListDataIntegrity,
  budget?: RequestBudget,
): Promise<VerifiedListCredential | StatusListProblem> {
  const text = body.trim();
  let compact = text;
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return invalidList('list_malformed', 'the status list credential is neither a JWT nor JSON');
    }
    if (!isObject(json)) return invalidList('list_malformed', 'the status list credential is not a JSON object');
    const id = json.id;
    if (json.type === 'EnvelopedVerifiableCredential' && typeof id === 'string' && id.startsWith(ENVELOPED_JWT)) {
      compact = id.slice(ENVELOPED_JWT.length);
    } else if (json.proof !== undefined) {
      if (!dataIntegrity)
        return unavailableList(
          'securing_unsupported',
          'the status list credential is secured with a Data Integrity proof, which this checker was not given the settings to verify',
        );
      return readDataIntegrityList(json, dids, dataIntegrity);
    } else {
      return invalidList('unsigned', 'the status list credential is not signed (no proof, not a JWT)');
    }
  }

  const decoded = decodeJwt(compact);
  if (!decoded.ok) return invalidList('list_malformed', `the status list credential is not a valid JWT: ${decoded.detail}`);
  const v2 = decoded.jws.typ === VC_JWT_TYP || (decoded.payload.vc === undefined && decoded.payload['@context'] !== undefined);
  const parsed = v2 ? parseVcJwtV2(compact, 'statusList') : parseVcJwt(compact, 'statusList');
  if ('code' in parsed) return invalidList('list_malformed', `the status list credential is malformed: ${parsed.detail}`);

  const signature = await verifyStatusListSignature(parsed.jws, parsed.issuer, dids, undefined, budget);
  if (signature) return signature;
  return {
    issuer: parsed.issuer,
    types: parsed.types,
    document: parsed.document,
    ...(parsed.notBefore !== undefined ? { notBefore: parsed.notBefore } : {}),
    ...(parsed.expiresAt !== undefined ? { expiresAt: parsed.expiresAt } : {}),
  };
}
