import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createCredential as createBitstringCredential, createList as createBitstringList } from '@digitalbazaar/vc-bitstring-status-list';
import { fixedClock } from '../../core/clock.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from '../../formats/data-integrity/document-caps.js';
import { JsonLdContextSet } from '../../formats/data-integrity/json-ld-contexts.js';
import { diKey, issueCredential, type DiKey, type SuiteName } from '../../../test/support/data-integrity.js';
import { MAX_LIST_BYTES, NOW, checkRequest, credentialWithStatus, dids, statusUrl, testBed, type TestBed } from '../__fixtures__/status-test-bed.js';
import { bitstringStatusEntry } from '../issuing/index.js';
import { BitstringStatusChecker } from './bitstring-status-checker.js';
import type { ListDataIntegrity } from './list-credential.js';

/**
 * Bitstring Status List credentials secured with Data Integrity, made with
 * Digital Bazaar's @digitalbazaar/vc-bitstring-status-list (the list) and
 * @digitalbazaar/vc (the eddsa-rdfc-2022 / ecdsa-jcs-2019 proof).
 */
const LIST = statusUrl('lists/di');
const settings: ListDataIntegrity = {
  contexts: JsonLdContextSet.bundled(),
  limits: DEFAULT_DATA_INTEGRITY_LIMITS,
  clock: fixedClock(NOW),
  clockSkewSeconds: 60,
};

let bed: TestBed;
let checker: BitstringStatusChecker;
let listIssuer: DiKey;
let other: DiKey;

beforeAll(async () => {
  listIssuer = await diKey('Ed25519');
  other = await diKey('P-256');
});
beforeEach(() => {
  bed = testBed();
  checker = BitstringStatusChecker.bitstringStatusList(bed.source, dids, MAX_LIST_BYTES, settings);
});

const entry = (index: number): Record<string, unknown> => bitstringStatusEntry({ url: LIST, index, purpose: 'revocation' });

/** A Bitstring Status List credential by `by`, with the `set` indexes set, secured with Data Integrity. */
async function diList(
  by: DiKey,
  set: number[],
  suite: SuiteName = by.curve === 'Ed25519' ? 'eddsa-rdfc-2022' : 'ecdsa-rdfc-2019',
): Promise<Record<string, unknown>> {
  const list = await createBitstringList({ length: 131_072 });
  for (const index of set) list.setStatus(index, true);
  const unsigned = await createBitstringCredential({ id: LIST, list, statusPurpose: 'revocation', context: ['https://www.w3.org/ns/credentials/v2'] });
  return issueCredential({ ...unsigned, issuer: by.did, validFrom: '2026-01-01T00:00:00Z' }, by, suite, '2026-01-15T11:00:00Z');
}

const requestBy = (issuerDid: string, index: number, overrides: Parameters<typeof checkRequest>[1] = {}) =>
  checkRequest(entry(index), { credential: credentialWithStatus([entry(index)], issuerDid), ...overrides });

describe('Bitstring Status List credentials secured with Data Integrity', () => {
  it('a list by the credential issuer (eddsa-rdfc-2022): revoked when set, valid when not', async () => {
    bed.fetcher.publish(LIST, JSON.stringify(await diList(listIssuer, [7])), 'application/vc');
    await expect(checker.check(requestBy(listIssuer.did, 7))).resolves.toMatchObject({ state: 'revoked' });
    await expect(checker.check(requestBy(listIssuer.did, 8))).resolves.toEqual({ state: 'valid' });
  });

  it('an ecdsa-jcs-2019 list verifies too', async () => {
    bed.fetcher.publish(LIST, JSON.stringify(await diList(other, [1], 'ecdsa-jcs-2019')), 'application/vc');
    await expect(checker.check(requestBy(other.did, 1))).resolves.toMatchObject({ state: 'revoked' });
  });

  it('a list signed by another issuer → invalid (signer_untrusted), as for JOSE-secured lists', async () => {
    bed.fetcher.publish(LIST, JSON.stringify(await diList(other, [7])), 'application/vc');
    await expect(checker.check(requestBy(listIssuer.did, 7))).resolves.toMatchObject({ state: 'invalid', reason: 'signer_untrusted' });
  });

  it('… unless the policy lets that DID issue status lists for the issuer', async () => {
    bed.fetcher.publish(LIST, JSON.stringify(await diList(other, [7])), 'application/vc');
    await expect(checker.check(requestBy(listIssuer.did, 7, { mayIssueStatusList: (did) => did === other.did }))).resolves.toMatchObject({ state: 'revoked' });
  });

  it('a list whose bits were changed after signing → invalid (signature_invalid)', async () => {
    const signed = await diList(listIssuer, []);
    const forged = await diList(listIssuer, [7]);
    const tampered = { ...signed, credentialSubject: forged.credentialSubject };
    bed.fetcher.publish(LIST, JSON.stringify(tampered), 'application/vc');
    await expect(checker.check(requestBy(listIssuer.did, 7))).resolves.toMatchObject({ state: 'invalid', reason: 'signature_invalid' });
  });

  it('a list naming the issuer but proved by a key of someone else → invalid (signature_invalid)', async () => {
    const list = await diList(other, [7]);
    bed.fetcher.publish(LIST, JSON.stringify({ ...list, issuer: listIssuer.did }), 'application/vc');
    await expect(checker.check(requestBy(listIssuer.did, 7))).resolves.toMatchObject({ state: 'invalid', reason: 'signature_invalid' });
  });

  it('a list with an unpinned context → invalid (list_malformed), nothing fetched but the list', async () => {
    const list = await diList(listIssuer, [7]);
    bed.fetcher.publish(
      LIST,
      JSON.stringify({ ...list, '@context': ['https://www.w3.org/ns/credentials/v2', 'https://contexts.example/evil'] }),
      'application/vc',
    );
    await expect(checker.check(requestBy(listIssuer.did, 7))).resolves.toMatchObject({ state: 'invalid', reason: 'list_malformed' });
    expect(bed.fetcher.requests.map((r) => r.url)).toEqual([LIST]);
  });

  it('without the Data Integrity settings the checker still answers unavailable (securing_unsupported)', async () => {
    const plain = BitstringStatusChecker.bitstringStatusList(bed.source, dids, MAX_LIST_BYTES);
    bed.fetcher.publish(LIST, JSON.stringify(await diList(listIssuer, [7])), 'application/vc');
    await expect(plain.check(requestBy(listIssuer.did, 7))).resolves.toMatchObject({ state: 'unavailable', reason: 'securing_unsupported' });
  });
});
