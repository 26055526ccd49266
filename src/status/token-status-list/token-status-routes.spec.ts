/**
 * Status List Tokens signed by non-DID issuers, through the same issuer-key
 * routes as credentials (src/trust/issuer-keys.ts): an x5c chain to a trust
 * anchor, keys pinned in the policy, and (test/net/jwt-vc-issuer.spec.ts for
 * the network) jwt-vc-issuer metadata.
 */
import 'reflect-metadata';
import { deflateSync } from 'node:zlib';
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CompactSign, importJWK, type JWK } from 'jose';
import { fixedClock } from '../../core/clock.js';
import { TrustAnchorStore } from '../../trust/trust-anchors.js';
import { x509HashIdentifier } from '../../trust/certificate-chain.js';
import { es256KeyPair, type KeyPair } from '../../../test/support/sd-jwt.js';
import { makeCertificate, makePki, x5c, type TestCertificate } from '../../../test/support/x509.js';
import { HOUR, MAX_LIST_BYTES, NOW, checkRequest, dids, testBed, type TestBed } from '../__fixtures__/status-test-bed.js';
import { tokenStatusReference } from '../issuing/index.js';
import { TokenStatusListChecker } from './token-status-checker.js';

const URI = 'https://status.example.com/lists/1';
const ISS = 'https://issuer.example.com';
const iat = Math.floor((NOW - HOUR) / 1000);
/** 1-bit list: index 1 revoked, everything else valid. */
const LST = deflateSync(Buffer.from([0b00000010, 0])).toString('base64url');

let pki: { root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate };
let pinnedKey: KeyPair;
let bed: TestBed;
let checker: TokenStatusListChecker;

async function sign(privateJwk: JWK, payload: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
  const key = await importJWK(privateJwk, 'ES256');
  const body = { sub: URI, iat, status_list: { bits: 1, lst: LST }, ...payload };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(body))).setProtectedHeader({ alg: 'ES256', typ: 'statuslist+jwt', ...header }).sign(key);
}

beforeAll(async () => {
  pki = await makePki({ sanUri: ISS }, NOW);
  pinnedKey = await es256KeyPair();
});

beforeEach(() => {
  bed = testBed();
  checker = new TokenStatusListChecker(bed.source, { dids, anchors: TrustAnchorStore.fromPem([pki.root.pem]) }, MAX_LIST_BYTES, {
    clock: fixedClock(NOW),
    clockSkewSeconds: 60,
  });
});

const reference = (idx: number): unknown => tokenStatusReference(URI, idx);

describe('Token Status List signed with an x5c chain', () => {
  it('reads a token chained to a trust anchor; the signer is iss when the certificate names it', async () => {
    bed.fetcher.publish(URI, await sign(pki.leaf.privateJwk, { iss: ISS }, { x5c: x5c(pki.leaf, pki.intermediate) }), 'application/statuslist+jwt');
    const mayIssue = (id: string): boolean => id === ISS;
    await expect(checker.check(checkRequest(reference(0), { mayIssueStatusList: mayIssue }))).resolves.toEqual({ state: 'valid' });
    await expect(checker.check(checkRequest(reference(1), { mayIssueStatusList: mayIssue }))).resolves.toMatchObject({ state: 'revoked' });
  });

  it('names a token without iss by x509_hash', async () => {
    bed.fetcher.publish(URI, await sign(pki.leaf.privateJwk, {}, { x5c: x5c(pki.leaf, pki.intermediate) }), 'application/statuslist+jwt');
    const id = x509HashIdentifier(pki.leaf.der);
    await expect(checker.check(checkRequest(reference(0), { mayIssueStatusList: (s) => s === id }))).resolves.toEqual({ state: 'valid' });
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'invalid', reason: 'signer_untrusted' });
  });

  it('refuses a chain to an untrusted root', async () => {
    const rogue = await makePki({ sanUri: ISS }, NOW);
    bed.fetcher.publish(URI, await sign(rogue.leaf.privateJwk, { iss: ISS }, { x5c: x5c(rogue.leaf, rogue.intermediate) }), 'application/statuslist+jwt');
    await expect(checker.check(checkRequest(reference(0), { mayIssueStatusList: () => true }))).resolves.toMatchObject({
      state: 'invalid',
      reason: 'signature_invalid',
    });
  });

  it('refuses an expired signing certificate', async () => {
    const old = await makeCertificate({
      name: 'Old',
      issuer: pki.intermediate,
      notBefore: new Date(NOW - 10 * 86_400_000),
      notAfter: new Date(NOW - 86_400_000),
    });
    bed.fetcher.publish(URI, await sign(old.privateJwk, {}, { x5c: x5c(old, pki.intermediate) }), 'application/statuslist+jwt');
    await expect(checker.check(checkRequest(reference(0), { mayIssueStatusList: () => true }))).resolves.toMatchObject({
      state: 'invalid',
      reason: 'signature_invalid',
    });
  });

  it('refuses a token whose x5c leaf did not sign', async () => {
    bed.fetcher.publish(URI, await sign(pinnedKey.privateJwk, {}, { x5c: x5c(pki.leaf, pki.intermediate) }), 'application/statuslist+jwt');
    await expect(checker.check(checkRequest(reference(0), { mayIssueStatusList: () => true }))).resolves.toMatchObject({
      state: 'invalid',
      reason: 'signature_invalid',
    });
  });
});

describe('Token Status List of an https issuer with keys pinned in the policy', () => {
  const pinned = (): Array<{ id: string; jwks: { keys: unknown[] } }> => [{ id: ISS, jwks: { keys: [pinnedKey.publicJwk] } }];

  it('verifies with the pinned keys, revoked and valid', async () => {
    bed.fetcher.publish(URI, await sign(pinnedKey.privateJwk, { iss: ISS }, {}), 'application/statuslist+jwt');
    const overrides = { mayIssueStatusList: (id: string) => id === ISS, pinned: pinned() };
    await expect(checker.check(checkRequest(reference(0), overrides))).resolves.toEqual({ state: 'valid' });
    await expect(checker.check(checkRequest(reference(1), overrides))).resolves.toMatchObject({ state: 'revoked' });
  });

  it('refuses a token signed by another key than the pinned one', async () => {
    const other = await es256KeyPair();
    bed.fetcher.publish(URI, await sign(other.privateJwk, { iss: ISS }, {}), 'application/statuslist+jwt');
    await expect(checker.check(checkRequest(reference(0), { mayIssueStatusList: () => true, pinned: pinned() }))).resolves.toMatchObject({
      state: 'invalid',
      reason: 'signature_invalid',
    });
  });

  it('is unavailable without pinned keys or metadata (fail closed under status: required)', async () => {
    bed.fetcher.publish(URI, await sign(pinnedKey.privateJwk, { iss: ISS }, {}), 'application/statuslist+jwt');
    await expect(checker.check(checkRequest(reference(0), { mayIssueStatusList: () => true }))).resolves.toMatchObject({ state: 'unavailable' });
  });
});
