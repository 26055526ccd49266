import type { VerificationKey } from '../crypto/verification-key.js';
import type { DidDocument } from './did-document.js';
import { MAX_DID_LENGTH, splitDidUrl } from './did-syntax.js';
import { verificationMethodKey } from './read-method-key.js';

export type { VerificationKey } from '../crypto/verification-key.js';

/** Most keys returned when no `kid` narrows the choice; the caller tries each. */
export const MAX_CANDIDATE_KEYS = 8;

export interface KeySelection {
  /** The DID that signed (issuer or holder); the document must be this DID's. */
  did: string;
  /** The JWS `kid` header, when there is one. */
  kid?: string;
  /** What the signature is for: a credential (assertionMethod) or a presentation (authentication). */
  relationship: 'assertionMethod' | 'authentication';
}

export type VerificationKeySelection = { ok: true; keys: VerificationKey[] } | { ok: false; code: 'did.key_not_found'; detail: string };

/**
 * Picks the keys that may have made a signature, from the signer's resolved
 * DID document (DID Core §5.3, verification relationships).
 *
 * With a `kid`: it must be a DID URL whose DID is `did` byte-exact, or a
 * relative `#fragment` (resolved against `did`); a kid naming another DID is
 * never followed. The method must be listed in `relationship`, by reference
 * or embedded: a key that is only in keyAgreement (or only in
 * verificationMethod) is not found. A kid equal to the bare DID names no
 * method and is treated like no kid.
 *
 * Without a `kid`: every usable method of `relationship`, in document order,
 * at most {@link MAX_CANDIDATE_KEYS}.
 *
 * Only methods defined in this document count: a reference to a method of
 * another DID document (or a method whose id is another DID's) is skipped,
 * as kparty does not resolve a second DID to verify one signature.
 * Methods whose key cannot be read are skipped (without kid) or not found
 * (with kid). A key found is returned even when its allow-list is empty
 * (X25519): the JWS verifier then answers `alg_forbidden`.
 */
export function selectVerificationKeys(document: DidDocument, selection: KeySelection): VerificationKeySelection {
  const { did, kid, relationship } = selection;
  if (typeof document !== 'object' || document === null || document.id !== did) {
    return notFound('the DID document does not describe the signer');
  }

  let wanted: string | undefined;
  if (kid !== undefined) {
    const target = absoluteKid(kid, did);
    if (!target.ok) return notFound(target.detail);
    wanted = target.id;
  }

  const entries = relationshipMethods(document, did, relationship);
  if (wanted !== undefined) {
    const entry = entries.find((candidate) => candidate.id === wanted);
    if (!entry) {
      const elsewhere = definedMethods(document, did).has(wanted);
      return notFound(elsewhere ? `the key named by kid is not listed in ${relationship}` : 'no verification method matches kid');
    }
    if (!entry.method) return notFound('the key named by kid is not defined in the DID document');
    const key = verificationMethodKey(entry.method, entry.id, did);
    return key.ok ? { ok: true, keys: [key.key] } : notFound(key.detail);
  }

  const keys: VerificationKey[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!entry.method || seen.has(entry.id)) continue;
    seen.add(entry.id);
    const key = verificationMethodKey(entry.method, entry.id, did);
    if (key.ok) keys.push(key.key);
    if (keys.length === MAX_CANDIDATE_KEYS) break;
  }
  return keys.length > 0 ? { ok: true, keys } : notFound(`no usable key in ${relationship}`);
}

type Method = Record<string, unknown>;

/** A relationship entry: its absolute id and, when defined in this document, the method. */
interface RelationshipMethod {
  id: string;
  method: Method | undefined;
}

function absoluteKid(kid: string, did: string): { ok: true; id: string | undefined } | { ok: false; detail: string } {
  if (typeof kid !== 'string' || kid.length > MAX_DID_LENGTH) return { ok: false, detail: 'the kid is not a DID URL' };
  const absolute = kid.startsWith('#') ? `${did}${kid}` : kid;
  const parts = splitDidUrl(absolute);
  if (!parts) return { ok: false, detail: 'the kid is not a DID URL' };
  if (parts.did !== did) return { ok: false, detail: 'the kid names another DID than the signer' };
  const namesMethod = parts.path !== undefined || parts.query !== undefined || parts.fragment !== undefined;
  return { ok: true, id: namesMethod ? absolute : undefined };
}

/** `#fragment` ids are relative to the document's DID (DID Core §3.2.2). */
function absoluteId(id: string, did: string): string {
  return id.startsWith('#') ? `${did}${id}` : id;
}

function belongsTo(id: string, did: string): boolean {
  return splitDidUrl(id)?.did === did;
}

function isMethod(value: unknown): value is Method & { id: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Method).id === 'string';
}

/** The document's `verificationMethod` entries that belong to `did`, by absolute id (first wins). */
function definedMethods(document: DidDocument, did: string): Map<string, Method> {
  const methods = new Map<string, Method>();
  const listed: unknown = document.verificationMethod;
  if (!Array.isArray(listed)) return methods;
  for (const method of listed) {
    if (!isMethod(method)) continue;
    const id = absoluteId(method.id, did);
    if (belongsTo(id, did) && !methods.has(id)) methods.set(id, method);
  }
  return methods;
}

function relationshipMethods(document: DidDocument, did: string, relationship: string): RelationshipMethod[] {
  const listed: unknown = (document as unknown as Record<string, unknown>)[relationship];
  if (!Array.isArray(listed)) return [];
  let defined: Map<string, Method> | undefined;
  const entries: RelationshipMethod[] = [];
  for (const entry of listed) {
    if (typeof entry === 'string') {
      const id = absoluteId(entry, did);
      defined ??= definedMethods(document, did);
      entries.push({ id, method: defined.get(id) });
    } else if (isMethod(entry)) {
      const id = absoluteId(entry.id, did);
      entries.push({ id, method: belongsTo(id, did) ? entry : undefined });
    }
  }
  return entries;
}

function notFound(detail: string): VerificationKeySelection {
  return { ok: false, code: 'did.key_not_found', detail };
}
