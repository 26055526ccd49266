import { beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { createCredential as createBitstringCredential, createList as createBitstringList } from '@digitalbazaar/vc-bitstring-status-list';
import { createCredential as create2021Credential, createList as create2021List } from '@digitalbazaar/vc-status-list';
import { signerOf, zeroBomb } from '../../../test/support/status-lists.js';
import {
  HOUR,
  MAX_LIST_BYTES,
  NOW,
  checkRequest,
  delegate,
  dids,
  issuer,
  statusUrl,
  stranger,
  testBed,
  w3cList,
  type TestBed,
} from '../__fixtures__/status-test-bed.js';
import { bitstringStatusEntry } from '../issuing/index.js';
import { BitstringStatusChecker } from './bitstring-status-checker.js';

const LIST = statusUrl('lists/1');

let bed: TestBed;
let checker: BitstringStatusChecker;

beforeEach(() => {
  bed = testBed();
  checker = BitstringStatusChecker.bitstringStatusList(bed.source, dids, MAX_LIST_BYTES);
});

const entry = (index: number, purpose = 'revocation', extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...bitstringStatusEntry({ url: LIST, index, purpose }),
  ...extra,
});

/** Signs `payload` as a vc+jwt by `by` (for lists shaped by another implementation). */
async function signAsVcJwt(payload: Record<string, unknown>, by = issuer): Promise<string> {
  const signer = await signerOf(by);
  return new SignJWT(payload).setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'vc+jwt' }).sign(signer.key);
}

describe('BitstringStatusListEntry: the status', () => {
  it('is valid when the entry is unset', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { set: [5] }));
    await expect(checker.check(checkRequest(entry(4)))).resolves.toEqual({ state: 'valid' });
  });

  it('is revoked when a revocation entry is set', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { set: [94_567] }));
    await expect(checker.check(checkRequest(entry(94_567)))).resolves.toMatchObject({ state: 'revoked' });
  });

  it('is suspended when a suspension entry is set', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { purpose: 'suspension', set: [23_452] }));
    await expect(checker.check(checkRequest(entry(23_452, 'suspension')))).resolves.toMatchObject({ state: 'suspended' });
  });

  it('reads a list credential in the VC-DM 1.1 JWT encoding (jwt_vc_json) as well', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { format: 'jwt_vc_json', set: [7] }));
    await expect(checker.check(checkRequest(entry(7)))).resolves.toMatchObject({ state: 'revoked' });
  });

  it('reads a list credential served as an EnvelopedVerifiableCredential', async () => {
    const jwt = await w3cList(LIST, { set: [7] });
    bed.fetcher.publish(
      LIST,
      JSON.stringify({ '@context': ['https://www.w3.org/ns/credentials/v2'], id: `data:application/vc+jwt,${jwt}`, type: 'EnvelopedVerifiableCredential' }),
      'application/vc',
    );
    await expect(checker.check(checkRequest(entry(7)))).resolves.toMatchObject({ state: 'revoked' });
  });

  it("accepts a list that serves several purposes when it includes the entry's", async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { purpose: ['revocation', 'suspension'], set: [3] }));
    await expect(checker.check(checkRequest(entry(3, 'suspension')))).resolves.toMatchObject({ state: 'suspended' });
  });

  it('reads a list whose bitstring @digitalbazaar/vc-bitstring-status-list encoded', async () => {
    const list = await createBitstringList({ length: 131_072 });
    list.setStatus(1234, true);
    const unsigned = await createBitstringCredential({ id: LIST, list, statusPurpose: 'revocation' });
    bed.fetcher.publish(LIST, await signAsVcJwt({ ...unsigned, issuer: issuer.did, validFrom: new Date(NOW - HOUR).toISOString() }));
    await expect(checker.check(checkRequest(entry(1234)))).resolves.toMatchObject({ state: 'revoked' });
    await expect(checker.check(checkRequest(entry(1233)))).resolves.toEqual({ state: 'valid' });
  });
});

describe("BitstringStatusListEntry: the W3C test suite's fixtures", () => {
  const fixture = (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(process.cwd(), 'test', 'vectors', 'status-lists', 'w3c-bitstring-status-list', name), 'utf8'));
  const SINGLE = 'https://w3c-ccg.github.io/vc-api/fixtures/credentials/status/purpose-single-ok.jsonld';
  const MULTI = 'https://w3c-ccg.github.io/vc-api/fixtures/credentials/status/purpose-multi-ok.jsonld';

  /**
   * Serves a test-suite list credential (unsigned in the suite) as the test issuer's vc+jwt, with the multibase
   * prefix the spec now requires added to its encodedList (see the vectors' README).
   */
  async function serveFixture(url: string, name: string): Promise<void> {
    const list = fixture(name);
    const subject = list.credentialSubject as Record<string, unknown>;
    bed.fetcher.publish(
      url,
      await signAsVcJwt({ ...list, issuer: issuer.did, credentialSubject: { ...subject, encodedList: `u${subject.encodedList as string}` } }),
    );
  }
  const statusOf = (name: string): unknown => fixture(name).credentialStatus;

  it('should-be-revoked.jsonld (index 201) → revoked; sl-purpose-single-ok.jsonld (index 1) → valid', async () => {
    await serveFixture(SINGLE, 'single-purpose-ok.jsonld');
    await expect(checker.check(checkRequest(statusOf('should-be-revoked.jsonld')))).resolves.toMatchObject({ state: 'revoked' });
    await expect(checker.check(checkRequest(statusOf('sl-purpose-single-ok.jsonld')))).resolves.toEqual({ state: 'valid' });
  });

  it('should-be-suspended.jsonld against the multi-purpose list → suspended', async () => {
    await serveFixture(MULTI, 'multi-purpose-ok.jsonld');
    await expect(checker.check(checkRequest(statusOf('should-be-suspended.jsonld')))).resolves.toMatchObject({ state: 'suspended' });
  });

  it('single-purpose-fail.jsonld (statusPurpose "randomPurpose") for a revocation entry → purpose mismatch', async () => {
    await serveFixture(SINGLE, 'single-purpose-fail.jsonld');
    await expect(checker.check(checkRequest(statusOf('should-be-revoked.jsonld')))).resolves.toMatchObject({ state: 'invalid', reason: 'purpose_mismatch' });
  });

  it('short-encoded-list-fail.jsonld (200 entries) → too short', async () => {
    await serveFixture(SINGLE, 'short-encoded-list-fail.jsonld');
    await expect(checker.check(checkRequest(statusOf('sl-purpose-single-ok.jsonld')))).resolves.toMatchObject({ state: 'invalid', reason: 'list_too_short' });
  });

  it("the spec's example BitstringStatusListCredential, served as published (it has no proof) → unsigned", async () => {
    bed.fetcher.publish(
      LIST,
      readFileSync(join(process.cwd(), 'test', 'vectors', 'status-lists', 'w3c-bitstring-status-list', 'spec-example-bitstring-status-list-credential.json')),
      'application/vc',
    );
    await expect(checker.check(checkRequest(entry(94_567)))).resolves.toMatchObject({ state: 'invalid', reason: 'unsigned' });
  });

  it('the fixture lists as published (no multibase prefix) → malformed list', async () => {
    const list = fixture('single-purpose-ok.jsonld');
    bed.fetcher.publish(SINGLE, await signAsVcJwt({ ...list, issuer: issuer.did }));
    await expect(checker.check(checkRequest(statusOf('should-be-revoked.jsonld')))).resolves.toMatchObject({ state: 'invalid', reason: 'list_malformed' });
  });
});

describe('BitstringStatusListEntry: statusPurpose message', () => {
  const statusMessage = [
    { status: '0x0', message: 'pending_review' },
    { status: '0x1', message: 'accepted' },
    { status: '0x2', message: 'rejected' },
    { status: '0x3', message: 'undefined' },
  ];

  it('reports the message of a 2-bit status, and never fails on it', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { purpose: 'message', statusSize: 2, entries: 131_072, set: [[492, 2]] }));
    const request = checkRequest(entry(492, 'message', { statusSize: 2, statusMessage }));
    await expect(checker.check(request)).resolves.toEqual({ state: 'message', message: { purpose: 'message', status: '0x2', message: 'rejected' } });
  });

  it('reports "set"/"unset" for a 1-bit message entry without statusMessage (the spec\'s default)', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { purpose: 'message', set: [1] }));
    await expect(checker.check(checkRequest(entry(1, 'message')))).resolves.toMatchObject({ message: { status: '0x1', message: 'set' } });
    await expect(checker.check(checkRequest(entry(2, 'message')))).resolves.toMatchObject({ message: { status: '0x0', message: 'unset' } });
  });

  it('treats a purpose kparty gives no meaning (refresh) as informational, not as revoked', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { purpose: 'refresh', set: [1] }));
    await expect(checker.check(checkRequest(entry(1, 'refresh')))).resolves.toMatchObject({
      state: 'message',
      message: { purpose: 'refresh', message: 'set' },
    });
  });
});

describe("BitstringStatusListEntry: the validation algorithm's errors", () => {
  it('index out of range (RANGE_ERROR) → invalid', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST));
    await expect(checker.check(checkRequest(entry(131_072)))).resolves.toMatchObject({ state: 'invalid', reason: 'index_out_of_range' });
    await expect(checker.check(checkRequest(entry(0, 'revocation', { statusListIndex: '99999999999999999999999' })))).resolves.toMatchObject({
      state: 'invalid',
      reason: 'index_out_of_range',
    });
  });

  it('a multi-bit entry that runs past the end → invalid', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { purpose: 'message', statusSize: 2, entries: 131_072 }));
    const statusMessage = [0, 1, 2, 3].map((s) => ({ status: `0x${s}`, message: `m${s}` }));
    await expect(checker.check(checkRequest(entry(131_072, 'message', { statusSize: 2, statusMessage })))).resolves.toMatchObject({
      state: 'invalid',
      reason: 'index_out_of_range',
    });
  });

  it('a list shorter than 131,072 entries (STATUS_LIST_LENGTH_ERROR) → invalid', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { entries: 131_064 }));
    await expect(checker.check(checkRequest(entry(0)))).resolves.toMatchObject({ state: 'invalid', reason: 'list_too_short' });
  });

  it('counts entries, not bits: a 2-bit list of 16 KiB holds only 65,536 → invalid', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { purpose: 'message', statusSize: 1, entries: 131_072 }));
    const statusMessage = [0, 1, 2, 3].map((s) => ({ status: `0x${s}`, message: `m${s}` }));
    await expect(checker.check(checkRequest(entry(0, 'message', { statusSize: 2, statusMessage })))).resolves.toMatchObject({
      state: 'invalid',
      reason: 'list_too_short',
    });
  });

  it('a statusPurpose the list does not serve (STATUS_VERIFICATION_ERROR) → invalid', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { purpose: 'revocation', set: [3] }));
    await expect(checker.check(checkRequest(entry(3, 'suspension')))).resolves.toMatchObject({ state: 'invalid', reason: 'purpose_mismatch' });
  });

  it('a list signed by a stranger → invalid', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { by: stranger }));
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'signer_untrusted' });
  });

  it('a list signed by an issuer the policy names is accepted', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { by: delegate, set: [3] }));
    const request = checkRequest(entry(3), { mayIssueStatusList: (did) => did === delegate.did });
    await expect(checker.check(request)).resolves.toMatchObject({ state: 'revoked' });
  });

  it("a list that names the issuer but is signed with a stranger's key → invalid", async () => {
    const forged = await new SignJWT({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: issuer.did,
      credentialSubject: {
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
      },
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: issuer.kid, typ: 'vc+jwt' })
      .sign(await stranger.key());
    bed.fetcher.publish(LIST, forged);
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'signature_invalid' });
  });

  it('an unsigned list (a plain JSON credential, as @digitalbazaar/vc-bitstring-status-list creates it) → invalid', async () => {
    const list = await createBitstringList({ length: 131_072 });
    const unsigned = await createBitstringCredential({ id: LIST, list, statusPurpose: 'revocation' });
    bed.fetcher.publish(LIST, JSON.stringify({ ...unsigned, issuer: issuer.did }), 'application/vc');
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'unsigned' });
  });

  it('a list secured with a Data Integrity proof, checker built without the Data Integrity settings → unavailable (data-integrity-list.spec.ts verifies them)', async () => {
    const list = await createBitstringList({ length: 131_072 });
    const unsigned = await createBitstringCredential({ id: LIST, list, statusPurpose: 'revocation' });
    const secured = { ...unsigned, issuer: issuer.did, proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: 'z3Fx' } };
    bed.fetcher.publish(LIST, JSON.stringify(secured), 'application/vc');
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'unavailable', reason: 'securing_unsupported' });
  });

  it('a list whose signature uses alg "none" → invalid', async () => {
    const [, payload] = (await w3cList(LIST)).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: issuer.kid, typ: 'vc+jwt' })).toString('base64url');
    bed.fetcher.publish(LIST, `${header}.${payload}.`);
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'signature_invalid' });
  });

  it('a list past its validUntil → invalid; a list not yet valid → invalid', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { validFrom: new Date(NOW - 48 * HOUR), validUntil: new Date(NOW - 24 * HOUR) }));
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'list_expired' });
    const later = statusUrl('lists/later');
    bed.fetcher.publish(later, await w3cList(later, { validFrom: new Date(NOW + 24 * HOUR) }));
    await expect(checker.check(checkRequest({ ...entry(3), statusListCredential: later }))).resolves.toMatchObject({
      state: 'invalid',
      reason: 'list_not_yet_valid',
    });
  });

  it('a StatusList2021Credential where a BitstringStatusListCredential is expected → invalid', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { statusList2021: true }));
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'list_malformed' });
  });

  it.each([
    ['a list that is not UTF-8', Buffer.from([0xff, 0xfe, 0x00, 0x41])],
    ['an HTML error page', Buffer.from('<html>maintenance</html>')],
    ['a JSON array', Buffer.from('[1,2,3]')],
    ['truncated JSON', Buffer.from('{"type": ["VerifiableCredential"]')],
  ])('%s → invalid', async (_name, body) => {
    bed.fetcher.publish(LIST, body);
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'list_malformed' });
  });

  it.each([
    ['credentialSubject of another type', { credentialSubject: { type: 'Something', statusPurpose: 'revocation', encodedList: 'u' } }],
    ['no encodedList', { credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation' } }],
    ['a statusPurpose that is a number', { credentialSubject: { type: 'BitstringStatusList', statusPurpose: 7, encodedList: 'u' } }],
    ['an empty statusPurpose list', { credentialSubject: { type: 'BitstringStatusList', statusPurpose: [], encodedList: 'u' } }],
    [
      'a ttl that is text',
      {
        credentialSubject: {
          type: 'BitstringStatusList',
          statusPurpose: 'revocation',
          encodedList: 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
          ttl: 'soon',
        },
      },
    ],
    ['a type list without BitstringStatusListCredential', { type: ['VerifiableCredential'] }],
  ])('a list credential with %s → invalid', async (_name, change) => {
    bed.fetcher.publish(
      LIST,
      await signAsVcJwt({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: issuer.did,
        credentialSubject: {
          type: 'BitstringStatusList',
          statusPurpose: 'revocation',
          encodedList: 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
        },
        ...change,
      }),
    );
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'list_malformed' });
  });
});

describe('BitstringStatusListEntry: hostile and failing lists', () => {
  it('a 64 MiB decompression bomb (64 KiB on the wire) → invalid, refused at the 16 MiB cap', async () => {
    const bomb = `u${(await zeroBomb('gzip', 64)).toString('base64url')}`;
    bed.fetcher.publish(
      LIST,
      await signAsVcJwt({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: issuer.did,
        credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: bomb },
      }),
    );
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'list_too_large' });
  });

  it('a 1 GiB bomb does not even fit in a list credential kparty reads (JWS over 512 KiB) → invalid', async () => {
    const bomb = `u${(await zeroBomb('gzip', 1024)).toString('base64url')}`;
    bed.fetcher.publish(
      LIST,
      await signAsVcJwt({
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: issuer.did,
        credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: bomb },
      }),
    );
    await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'list_malformed' });
  });

  it.each(['network', 'timeout', 'address_blocked', 'http_status', 'too_large', 'content_type'] as const)(
    'a list that cannot be fetched (%s) → unavailable',
    async (reason) => {
      bed.fetcher.fail(LIST, reason);
      await expect(checker.check(checkRequest(entry(3)))).resolves.toMatchObject({ state: 'unavailable', reason: 'fetch_failed' });
    },
  );

  it('asks the Fetcher for the list URL with list-credential media types', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST));
    await checker.check(checkRequest(entry(3)));
    expect(bed.fetcher.requests).toEqual([{ url: LIST, accept: expect.arrayContaining(['application/vc+jwt', 'application/vc']) }]);
  });
});

describe('BitstringStatusListEntry: malformed entries (MALFORMED_VALUE_ERROR)', () => {
  it.each([
    ['no statusPurpose', { statusPurpose: undefined }],
    ['an empty statusPurpose', { statusPurpose: '' }],
    ['a numeric statusListIndex (must be a string)', { statusListIndex: 5 }],
    ['a negative statusListIndex', { statusListIndex: '-1' }],
    ['a hexadecimal statusListIndex', { statusListIndex: '0x10' }],
    ['a fractional statusListIndex', { statusListIndex: '1.5' }],
    ['no statusListCredential', { statusListCredential: undefined }],
    ['a relative statusListCredential', { statusListCredential: '/lists/1' }],
    ['a file: statusListCredential', { statusListCredential: 'file:///etc/passwd' }],
    ['a data: statusListCredential', { statusListCredential: 'data:application/json,{}' }],
    ['an overlong statusListCredential', { statusListCredential: `https://status.example/${'a'.repeat(3000)}` }],
    ['statusSize 0', { statusSize: 0 }],
    ['statusSize as text', { statusSize: '2' }],
    ['statusSize 2 without statusMessage', { statusSize: 2 }],
    ['statusMessage of the wrong length', { statusSize: 2, statusMessage: [{ status: '0x0', message: 'a' }] }],
    ['statusMessage entries without message', { statusMessage: [{ status: '0x0' }, { status: '0x1' }] }],
    [
      'statusMessage with a decimal status',
      {
        statusMessage: [
          { status: '0', message: 'a' },
          { status: '1', message: 'b' },
        ],
      },
    ],
    [
      'statusMessage listing a status twice',
      {
        statusMessage: [
          { status: '0x1', message: 'a' },
          { status: '0x1', message: 'b' },
        ],
      },
    ],
    [
      'statusMessage with a status beyond statusSize',
      {
        statusMessage: [
          { status: '0x0', message: 'a' },
          { status: '0x2', message: 'b' },
        ],
      },
    ],
  ])('%s → malformed, nothing fetched', async (_name, change) => {
    const malformed: Record<string, unknown> = { ...entry(3), ...change };
    for (const [key, value] of Object.entries(change)) if (value === undefined) delete malformed[key];
    await expect(checker.check(checkRequest(malformed))).resolves.toMatchObject({ state: 'malformed', reason: 'entry_malformed' });
    expect(bed.fetcher.requests).toEqual([]);
  });

  it('statusSize over 8 bits → unavailable (kparty does not read such entries)', async () => {
    await expect(checker.check(checkRequest(entry(3, 'message', { statusSize: 9 })))).resolves.toMatchObject({
      state: 'unavailable',
      reason: 'entry_unsupported',
    });
  });

  it('supports only its own entry type', () => {
    expect(checker.supports(entry(3))).toBe(true);
    expect(checker.supports({ ...entry(3), type: 'StatusList2021Entry' })).toBe(false);
    expect(checker.supports({ status_list: { idx: 1, uri: LIST } })).toBe(false);
    expect(checker.supports('BitstringStatusListEntry')).toBe(false);
  });
});

describe('StatusList2021Entry', () => {
  let legacy: BitstringStatusChecker;
  beforeEach(() => {
    legacy = BitstringStatusChecker.statusList2021(bed.source, dids, MAX_LIST_BYTES);
  });
  const entry2021 = (index: number, purpose = 'revocation'): Record<string, unknown> =>
    bitstringStatusEntry({ url: LIST, index, purpose, statusList2021: true });

  it('checks entries against a list @digitalbazaar/vc-status-list encoded (revoked and valid)', async () => {
    const list = await create2021List({ length: 131_072 });
    list.setStatus(77, true);
    const unsigned = await create2021Credential({ id: LIST, list, statusPurpose: 'revocation' });
    const signer = await signerOf(issuer);
    const jwt = await new SignJWT({ vc: { ...unsigned, issuer: issuer.did } })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid })
      .setIssuer(issuer.did)
      .setNotBefore(Math.floor((NOW - HOUR) / 1000))
      .sign(signer.key);
    bed.fetcher.publish(LIST, jwt, 'application/jwt');
    await expect(legacy.check(checkRequest(entry2021(77)))).resolves.toMatchObject({ state: 'revoked' });
    await expect(legacy.check(checkRequest(entry2021(78)))).resolves.toEqual({ state: 'valid' });
  });

  it("reads lists kparty's issuing helper publishes, suspension included", async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { statusList2021: true, purpose: 'suspension', set: [9] }));
    await expect(legacy.check(checkRequest(entry2021(9, 'suspension')))).resolves.toMatchObject({ state: 'suspended' });
  });

  it('refuses a BitstringStatusListCredential (multibase list) behind a StatusList2021Entry', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST));
    await expect(legacy.check(checkRequest(entry2021(9)))).resolves.toMatchObject({ state: 'invalid', reason: 'list_malformed' });
  });

  it('ignores statusSize (StatusList2021 has 1-bit entries only)', async () => {
    bed.fetcher.publish(LIST, await w3cList(LIST, { statusList2021: true, set: [9] }));
    await expect(legacy.check(checkRequest({ ...entry2021(9), statusSize: 4 }))).resolves.toMatchObject({ state: 'revoked' });
  });
});
