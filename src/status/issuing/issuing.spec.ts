import { describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { signerOf } from '../../../test/support/status-lists.js';
import { dids, issuer } from '../__fixtures__/status-test-bed.js';
import { readListCredential } from '../bitstring-status-list/list-credential.js';
import {
  BitstringStatusListBuilder,
  TokenStatusListBuilder,
  bitstringStatusEntry,
  issueStatusListToken,
  issueW3cStatusListCredential,
  tokenStatusReference,
} from './index.js';

const URL_1 = 'https://status.example/lists/1';

describe('BitstringStatusListBuilder', () => {
  it("makes the spec's minimum list by default: 131,072 one-bit entries", async () => {
    const list = new BitstringStatusListBuilder();
    expect(list.length).toBe(131_072);
    expect(list.bitstring.length).toBe(16_384);
    expect(await list.encode()).toMatch(/^uH4sI/);
    expect(await list.encodeWithoutMultibase()).toMatch(/^H4sI/);
  });

  it('sets, reads back and clears entries', () => {
    const list = new BitstringStatusListBuilder({ entries: 16, statusSize: 2 });
    list.set(3, 2).set(4, true);
    expect([list.get(3), list.get(4), list.get(5)]).toEqual([2, 1, 0]);
    list.set(3, 0);
    expect(list.get(3)).toBe(0);
  });

  it('refuses indexes and values it cannot hold', () => {
    const list = new BitstringStatusListBuilder({ entries: 10 });
    expect(() => list.set(10, 1)).toThrow(RangeError);
    expect(() => list.get(10)).toThrow(RangeError);
    expect(() => list.set(0, 2)).toThrow(RangeError);
    expect(() => new BitstringStatusListBuilder({ statusSize: 9 })).toThrow(RangeError);
    expect(() => new BitstringStatusListBuilder({ entries: 0 })).toThrow(RangeError);
  });
});

describe('issueW3cStatusListCredential', () => {
  it.each([
    ['vc+jwt (VC-DM 2.0)', { format: 'vc+jwt' as const }, 'BitstringStatusListCredential'],
    ['jwt_vc_json (VC-DM 1.1)', { format: 'jwt_vc_json' as const }, 'BitstringStatusListCredential'],
    ['StatusList2021', { statusList2021: true }, 'StatusList2021Credential'],
  ])('publishes a %s list credential that kparty verifies', async (_name, options, type) => {
    const list = new BitstringStatusListBuilder().set(42, true);
    const jwt = await issueW3cStatusListCredential({ url: URL_1, signer: await signerOf(issuer), list, purpose: 'revocation', ttlMs: 60_000, ...options });
    const read = await readListCredential(jwt, dids);
    expect(read).toMatchObject({ issuer: issuer.did, types: ['VerifiableCredential', type] });
    if ('problem' in read) return;
    expect(read.document).toMatchObject({ id: URL_1, credentialSubject: { id: `${URL_1}#list`, statusPurpose: 'revocation' } });
  });

  it('states validity and ttl as asked', async () => {
    const validFrom = new Date('2026-01-01T00:00:00Z');
    const validUntil = new Date('2026-02-01T00:00:00Z');
    const jwt = await issueW3cStatusListCredential({
      url: URL_1,
      signer: await signerOf(issuer),
      list: new BitstringStatusListBuilder(),
      purpose: ['revocation', 'suspension'],
      ttlMs: 1000,
      validFrom,
      validUntil,
    });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'EdDSA', kid: issuer.kid, typ: 'vc+jwt' });
    expect(decodeJwt(jwt)).toMatchObject({
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2026-02-01T00:00:00Z',
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: ['revocation', 'suspension'], ttl: 1000 },
    });
  });
});

describe('issueStatusListToken', () => {
  it('publishes a statuslist+jwt with sub, iat, iss, ttl, exp and the status_list', async () => {
    const list = new TokenStatusListBuilder({ entries: 16, bits: 1 });
    [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1].forEach((v, i) => list.set(i, v));
    const token = await issueStatusListToken({
      uri: 'https://example.com/statuslists/1',
      signer: await signerOf(issuer),
      list,
      ttlSeconds: 43_200,
      issuedAt: new Date(1_686_920_170_000),
      expiresAt: new Date(2_291_720_170_000),
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: issuer.kid, typ: 'statuslist+jwt' });
    // The draft's example list (status_list_jwt.md), made by kparty's helper.
    expect(decodeJwt(token)).toEqual({
      sub: 'https://example.com/statuslists/1',
      iat: 1_686_920_170,
      exp: 2_291_720_170,
      ttl: 43_200,
      iss: issuer.did,
      status_list: { bits: 1, lst: 'eNrbuRgAAhcBXQ' },
    });
  });

  it('leaves iss out on request', async () => {
    const token = await issueStatusListToken({ uri: URL_1, signer: await signerOf(issuer), list: new TokenStatusListBuilder(), withIssuer: false });
    expect(decodeJwt(token).iss).toBeUndefined();
  });

  it('refuses bits other than 1, 2, 4, 8', () => {
    expect(() => new TokenStatusListBuilder({ bits: 3 as 1 })).toThrow(RangeError);
  });
});

describe('entries credentials carry', () => {
  it('bitstringStatusEntry follows W3C Bitstring Status List §2.1 (index as a string)', () => {
    expect(bitstringStatusEntry({ url: URL_1, index: 94_567, purpose: 'revocation' })).toEqual({
      id: `${URL_1}#94567`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: URL_1,
    });
    expect(bitstringStatusEntry({ url: URL_1, index: 1, purpose: 'revocation', statusList2021: true }).type).toBe('StatusList2021Entry');
  });

  it("tokenStatusReference is the Referenced Token's status claim", () => {
    expect(tokenStatusReference(URL_1, 0)).toEqual({ status_list: { idx: 0, uri: URL_1 } });
  });
});
