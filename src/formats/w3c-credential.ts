/**
 * What the W3C credential formats (VC Data Model 1.1 and 2.0, whatever
 * secures them) answer the same way: DCQL `meta.type_values` (OpenID4VP 1.0
 * Appendix B.1), "all claims" = `credentialSubject`, the subjects a holder is
 * bound through, and `credentialStatus` entries.
 */
import type { HolderBindingSubject, StatusReference } from '../core/model/presentation.js';
import type { CredentialFormat } from './format-handler.js';
import { isObject } from './jwt-parts.js';

const quote = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

function isTypeValues(value: unknown): value is string[][] {
  return Array.isArray(value) && value.every((inner) => Array.isArray(inner) && inner.every((t) => typeof t === 'string'));
}

/** A W3C credential format: `meta.type_values` required, "all claims" is `credentialSubject`. */
export function w3cCredentialFormat(id: string, openid4vp?: CredentialFormat['openid4vp']): CredentialFormat {
  return {
    id,
    ...(openid4vp !== undefined ? { openid4vp } : {}),
    metaKeys: ['type_values'],
    requiredMetaKeys: ['type_values'],
    metaMismatches(meta, credential) {
      const typeValues = meta.type_values;
      if (typeValues === undefined) return [];
      // The policy schema guarantees the shape; anything else fails closed.
      if (!isTypeValues(typeValues)) return ['meta.type_values is not a list of type lists'];
      if (typeValues.some((required) => required.every((type) => credential.types.includes(type)))) return [];
      const wanted = typeValues.length === 1 ? `every type of ${quote(typeValues[0])}` : `every type of one of ${quote(typeValues)}`;
      return [`type ${quote(credential.types)} does not include ${wanted}`];
    },
    allClaims(credential) {
      const document = credential.document;
      const disclosed: Record<string, unknown> = {};
      if (Object.hasOwn(document, 'credentialSubject')) {
        Object.defineProperty(disclosed, 'credentialSubject', {
          value: structuredClone(document.credentialSubject),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return disclosed;
    },
  };
}

/**
 * Every `credentialSubject` as a holder-binding place: a credential about
 * several subjects binds to the holder only if each names the holder (a
 * credential about [holder, someone else] must not let the holder claim what
 * it says of someone else).
 */
export function subjectBindings(credentialSubject: unknown, path: string, firstSubjectId?: string): HolderBindingSubject[] {
  const subjects: unknown[] = Array.isArray(credentialSubject) ? credentialSubject : [credentialSubject];
  const array = Array.isArray(credentialSubject);
  return subjects.map((subject, index) => {
    const id = index === 0 && firstSubjectId !== undefined ? firstSubjectId : isObject(subject) && typeof subject.id === 'string' ? subject.id : undefined;
    return { ...(id !== undefined ? { id } : {}), path: array ? `${path}.credentialSubject[${index}]` : path };
  });
}

/** `credentialStatus` (one object or a list) as status references with their paths. */
export function credentialStatusReferences(value: unknown, path: string): StatusReference[] {
  if (value === undefined || value === null) return [];
  const entries = Array.isArray(value) ? value : [value];
  return entries.map((entry, index) => ({ entry, path: `${path}.credentialStatus[${index}]` }));
}
