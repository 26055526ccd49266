import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { SignJWT } from 'jose';
import { readBitstringStatus, writeBitstringStatus } from '../bitstring-status-list/bitstring.js';
import { MIN_STATUS_LIST_ENTRIES } from '../bitstring-status-list/bitstring-status-checker.js';
import type { StatusListSigner } from './status-list-signer.js';

const gzipAsync = promisify(gzip);

const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
/** JSON-LD context of BitstringStatusList terms for VC-DM 1.1 credentials (VC-DM 2.0 includes them). */
const BITSTRING_STATUS_LIST_V1_CONTEXT = 'https://www.w3.org/ns/credentials/status/v1';
const STATUS_LIST_2021_CONTEXT = 'https://w3id.org/vc/status-list/2021/v1';

/**
 * A W3C status bitstring an issuer maintains: create it, set entries, encode
 * it for a `BitstringStatusListCredential` (multibase `u` + base64url GZIP)
 * or a `StatusList2021Credential` (base64url GZIP). Index 0 is the most
 * significant bit of the first byte (W3C Bitstring Status List §2.2).
 */
export class BitstringStatusListBuilder {
  readonly bitstring: Uint8Array;
  readonly statusSize: number;
  /** Number of entries. */
  readonly length: number;

  /** @param options.entries - default 131,072 (the spec's minimum); @param options.statusSize - bits per entry, default 1. */
  constructor(options: { entries?: number; statusSize?: number } = {}) {
    this.statusSize = options.statusSize ?? 1;
    this.length = options.entries ?? MIN_STATUS_LIST_ENTRIES;
    if (!Number.isSafeInteger(this.statusSize) || this.statusSize < 1 || this.statusSize > 8) throw new RangeError('statusSize must be 1…8');
    if (!Number.isSafeInteger(this.length) || this.length < 1) throw new RangeError('entries must be a positive integer');
    this.bitstring = new Uint8Array(Math.ceil((this.length * this.statusSize) / 8));
  }

  /** Sets entry `index` to `status` (true/false for 1-bit lists). */
  set(index: number, status: number | boolean): this {
    if (index >= this.length) throw new RangeError(`index ${index} is outside the list`);
    writeBitstringStatus(this.bitstring, index, this.statusSize, typeof status === 'boolean' ? Number(status) : status);
    return this;
  }

  get(index: number): number {
    const value = index < this.length ? readBitstringStatus(this.bitstring, index, this.statusSize) : undefined;
    if (value === undefined) throw new RangeError(`index ${index} is outside the list`);
    return value;
  }

  /** `encodedList` of a BitstringStatusListCredential. */
  async encode(): Promise<string> {
    return `u${await this.encodeWithoutMultibase()}`;
  }

  /** `encodedList` of a StatusList2021Credential (no multibase prefix). */
  async encodeWithoutMultibase(): Promise<string> {
    return (await gzipAsync(this.bitstring, { level: 9 })).toString('base64url');
  }
}

export interface W3cStatusListCredentialOptions {
  /** Where the list is published: the credential's `id` and every entry's `statusListCredential`. */
  url: string;
  signer: StatusListSigner;
  list: BitstringStatusListBuilder;
  /** `statusPurpose`: `revocation`, `suspension`, `message`, … (Bitstring Status List allows several). */
  purpose: string | string[];
  /** `ttl` in milliseconds (Bitstring Status List only). */
  ttlMs?: number;
  validFrom?: Date;
  validUntil?: Date;
  /**
   * `vc+jwt` (VC-DM 2.0, VC-JOSE-COSE; default) or `jwt_vc_json` (VC-DM 1.1 JWT with a `vc` claim).
   * StatusList2021 credentials are always VC-DM 1.1.
   */
  format?: 'vc+jwt' | 'jwt_vc_json';
  /** Issue a `StatusList2021Credential` instead of a `BitstringStatusListCredential`. */
  statusList2021?: boolean;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Publishes `list` as a signed W3C status list credential (a compact JWS, to
 * be served at `url`, e.g. as `application/vc+jwt`).
 */
export async function issueW3cStatusListCredential(options: W3cStatusListCredentialOptions): Promise<string> {
  const { url, signer, list, purpose } = options;
  const legacy = options.statusList2021 === true;
  const validFrom = options.validFrom ?? new Date();
  const subject = {
    id: `${url}#list`,
    type: legacy ? 'StatusList2021' : 'BitstringStatusList',
    statusPurpose: purpose,
    encodedList: legacy ? await list.encodeWithoutMultibase() : await list.encode(),
    ...(options.ttlMs !== undefined && !legacy ? { ttl: options.ttlMs } : {}),
  };
  const type = ['VerifiableCredential', legacy ? 'StatusList2021Credential' : 'BitstringStatusListCredential'];

  if (options.format === 'jwt_vc_json' || legacy) {
    const jwt = new SignJWT({
      vc: {
        '@context': [VC_V1_CONTEXT, legacy ? STATUS_LIST_2021_CONTEXT : BITSTRING_STATUS_LIST_V1_CONTEXT],
        id: url,
        type,
        issuer: signer.did,
        issuanceDate: isoSeconds(validFrom),
        ...(options.validUntil ? { expirationDate: isoSeconds(options.validUntil) } : {}),
        credentialSubject: subject,
      },
    })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
      .setIssuer(signer.did)
      .setJti(url)
      .setNotBefore(seconds(validFrom))
      .setIssuedAt(seconds(validFrom));
    if (options.validUntil) jwt.setExpirationTime(seconds(options.validUntil));
    return jwt.sign(signer.key);
  }
  return new SignJWT({
    '@context': [VC_V2_CONTEXT],
    id: url,
    type,
    issuer: signer.did,
    validFrom: isoSeconds(validFrom),
    ...(options.validUntil ? { validUntil: isoSeconds(options.validUntil) } : {}),
    credentialSubject: subject,
  })
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'vc+jwt' })
    .sign(signer.key);
}

/** The `credentialStatus` entry a credential carries to point at entry `index` of the list at `url`. */
export function bitstringStatusEntry(options: {
  url: string;
  index: number;
  purpose: string;
  statusSize?: number;
  statusMessage?: Array<{ status: string; message: string }>;
  statusList2021?: boolean;
}): Record<string, unknown> {
  return {
    id: `${options.url}#${options.index}`,
    type: options.statusList2021 ? 'StatusList2021Entry' : 'BitstringStatusListEntry',
    statusPurpose: options.purpose,
    statusListIndex: String(options.index),
    statusListCredential: options.url,
    ...(options.statusSize !== undefined ? { statusSize: options.statusSize } : {}),
    ...(options.statusMessage !== undefined ? { statusMessage: options.statusMessage } : {}),
  };
}
