import type { DidResolver } from '../../did/did-resolver.js';
import { saneDuration } from '../../formats/date-range.js';
import { isObject } from '../../formats/jwt-parts.js';
import type { ReadStatusList, StatusListFormat } from '../status-list-source.js';
import { invalidList, type StatusListProblem } from '../status-outcome.js';
import { expandEncodedList } from './bitstring.js';
import { LIST_CREDENTIAL_MEDIA_TYPES, readListCredential, type ListDataIntegrity } from './list-credential.js';

/** A W3C status list, its credential verified and its bitstring expanded. */
export interface W3cStatusList {
  /** The DID that signed the list credential. */
  issuer: string;
  /** `credentialSubject.statusPurpose` (one or several). */
  purposes: string[];
  bitstring: Uint8Array;
}

/** What distinguishes the two W3C list credential kinds. */
export interface W3cListKind {
  /** `BitstringStatusListCredential` / `StatusList2021Credential`. */
  credentialType: string;
  /** `BitstringStatusList` / `StatusList2021`. */
  subjectType: string;
  /** Bitstring Status List: `encodedList` is multibase (`u…`), `statusPurpose` may be a list, `ttl` (ms) is read. */
  bitstringStatusList: boolean;
}

export const BITSTRING_STATUS_LIST: W3cListKind = {
  credentialType: 'BitstringStatusListCredential',
  subjectType: 'BitstringStatusList',
  bitstringStatusList: true,
};

export const STATUS_LIST_2021: W3cListKind = {
  credentialType: 'StatusList2021Credential',
  subjectType: 'StatusList2021',
  bitstringStatusList: false,
};

function invalid(detail: string): StatusListProblem {
  return invalidList('list_malformed', detail);
}

/** How a W3C status list credential is fetched and read; see {@link readListCredential} for the signature rules. */
export function w3cStatusListFormat(
  kind: W3cListKind,
  dids: DidResolver,
  maxListBytes: number,
  dataIntegrity?: ListDataIntegrity,
): StatusListFormat<W3cStatusList> {
  return {
    name: kind.credentialType,
    accept: LIST_CREDENTIAL_MEDIA_TYPES,
    async read(body, _url, budget): Promise<ReadStatusList<W3cStatusList> | StatusListProblem> {
      const credential = await readListCredential(body, dids, dataIntegrity, budget);
      if ('problem' in credential) return credential;
      if (!credential.types.includes(kind.credentialType)) {
        return invalid(`the status list credential's "type" does not include "${kind.credentialType}"`);
      }
      const subject = credential.document.credentialSubject;
      if (!isObject(subject) || subject.type !== kind.subjectType) {
        return invalid(`the status list credential's "credentialSubject" must be one object of type "${kind.subjectType}"`);
      }
      const purposes = typeof subject.statusPurpose === 'string' ? [subject.statusPurpose] : subject.statusPurpose;
      const listsAllowed = kind.bitstringStatusList;
      if (
        !Array.isArray(purposes) ||
        purposes.length === 0 ||
        (!listsAllowed && typeof subject.statusPurpose !== 'string') ||
        !purposes.every((p) => typeof p === 'string')
      ) {
        return invalid('the status list credential\'s "statusPurpose" must be a string' + (listsAllowed ? ' or a list of strings' : ''));
      }
      if (typeof subject.encodedList !== 'string') return invalid('the status list credential has no "encodedList" string');
      const ttl = listsAllowed ? subject.ttl : undefined;
      if (ttl !== undefined && !saneDuration(ttl, 'milliseconds')) {
        return invalid('the status list credential\'s "ttl" must be a number of milliseconds');
      }
      const bitstring = await expandEncodedList(subject.encodedList, { multibase: listsAllowed, maxBytes: maxListBytes, ...(budget ? { budget } : {}) });
      if ('problem' in bitstring) return bitstring;
      return {
        list: { issuer: credential.issuer, purposes: purposes as string[], bitstring },
        size: bitstring.length,
        ...(typeof ttl === 'number' ? { ttlMs: ttl } : {}),
        ...(credential.notBefore !== undefined ? { notBefore: credential.notBefore } : {}),
        ...(credential.expiresAt !== undefined ? { expiresAt: credential.expiresAt } : {}),
      };
    },
  };
}
