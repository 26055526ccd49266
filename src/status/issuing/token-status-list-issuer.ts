import { deflateSync } from 'node:zlib';
import { SignJWT } from 'jose';
import { readTokenStatus, writeTokenStatus, type StatusBits } from '../token-status-list/status-list-bits.js';
import { STATUS_LIST_JWT_TYP } from '../token-status-list/status-list-token.js';
import type { StatusListSigner } from './status-list-signer.js';

/**
 * An IETF Token Status List an issuer maintains: `bits` per entry (1, 2, 4
 * or 8), packed least significant bit first, encoded as base64url ZLIB
 * (draft-ietf-oauth-status-list § "Compressed Byte Array").
 */
export class TokenStatusListBuilder {
  readonly list: Uint8Array;
  readonly bits: StatusBits;
  readonly length: number;

  /** @param options.entries - number of entries (default 131,072); @param options.bits - default 1. */
  constructor(options: { entries?: number; bits?: StatusBits } = {}) {
    this.bits = options.bits ?? 1;
    this.length = options.entries ?? 131_072;
    if (![1, 2, 4, 8].includes(this.bits)) throw new RangeError('bits must be 1, 2, 4 or 8');
    if (!Number.isSafeInteger(this.length) || this.length < 1) throw new RangeError('entries must be a positive integer');
    this.list = new Uint8Array(Math.ceil((this.length * this.bits) / 8));
  }

  /** Sets entry `index`: 0x00 VALID, 0x01 INVALID, 0x02 SUSPENDED, … */
  set(index: number, status: number): this {
    if (index >= this.length) throw new RangeError(`index ${index} is outside the list`);
    writeTokenStatus(this.list, index, this.bits, status);
    return this;
  }

  get(index: number): number {
    const value = index < this.length ? readTokenStatus(this.list, index, this.bits) : undefined;
    if (value === undefined) throw new RangeError(`index ${index} is outside the list`);
    return value;
  }

  /** The `status_list` claim: `{ bits, lst }`, compressed at the highest level as the draft recommends. */
  encode(): { bits: StatusBits; lst: string } {
    return { bits: this.bits, lst: deflateSync(this.list, { level: 9 }).toString('base64url') };
  }
}

export interface StatusListTokenOptions {
  /** Where the token is published; its `sub`, and every Referenced Token's `status.status_list.uri`. */
  uri: string;
  signer: StatusListSigner;
  list: TokenStatusListBuilder;
  /** `ttl` claim in seconds. */
  ttlSeconds?: number;
  issuedAt?: Date;
  expiresAt?: Date;
  /** Put the signer's DID in `iss` (default true). */
  withIssuer?: boolean;
}

/** Publishes `list` as a signed Status List Token (`typ: statuslist+jwt`), to be served as `application/statuslist+jwt`. */
export async function issueStatusListToken(options: StatusListTokenOptions): Promise<string> {
  const { uri, signer, list } = options;
  const iat = Math.floor((options.issuedAt ?? new Date()).getTime() / 1000);
  return new SignJWT({
    sub: uri,
    iat,
    ...(options.withIssuer === false ? {} : { iss: signer.did }),
    ...(options.expiresAt ? { exp: Math.floor(options.expiresAt.getTime() / 1000) } : {}),
    ...(options.ttlSeconds !== undefined ? { ttl: options.ttlSeconds } : {}),
    status_list: list.encode(),
  })
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: STATUS_LIST_JWT_TYP })
    .sign(signer.key);
}

/** The `status` claim of a Referenced Token pointing at entry `idx` of the token at `uri`. */
export function tokenStatusReference(uri: string, idx: number): { status_list: { idx: number; uri: string } } {
  return { status_list: { idx, uri } };
}
