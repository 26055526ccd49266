import { beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, type JWTPayload } from 'jose';
import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';
import { signerOf, zeroBomb } from '../../../test/support/status-lists.js';
import {
  HOUR,
  MAX_LIST_BYTES,
  NOW,
  checkRequest,
  delegate,
  dids,
  issuer,
  stranger,
  testBed,
  tokenList,
  type TestBed,
} from '../__fixtures__/status-test-bed.js';
import { tokenStatusReference } from '../issuing/index.js';
import { TokenStatusListChecker } from './token-status-checker.js';

const URI = 'https://example.com/statuslists/1';
const VECTORS = join(process.cwd(), 'test', 'vectors', 'status-lists', 'ietf-token-status-list');

let bed: TestBed;
let checker: TokenStatusListChecker;

beforeEach(() => {
  bed = testBed();
  checker = new TokenStatusListChecker(bed.source, dids, MAX_LIST_BYTES);
});

const reference = (idx: number, uri = URI): unknown => tokenStatusReference(uri, idx);

/** Signs a Status List Token payload by hand (for tokens kparty's helper would not make). */
async function signToken(payload: JWTPayload, options: { by?: typeof issuer; header?: Record<string, unknown> } = {}): Promise<string> {
  const signer = await signerOf(options.by ?? issuer);
  return new SignJWT(payload).setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'statuslist+jwt', ...options.header }).sign(signer.key);
}

const iat = Math.floor((NOW - HOUR) / 1000);

describe('Token Status List: status types', () => {
  beforeEach(async () => {
    bed.fetcher.publish(
      URI,
      await tokenList(URI, {
        bits: 2,
        set: [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
      }),
      'application/statuslist+jwt',
    );
  });

  it('0x00 VALID → valid', async () => {
    await expect(checker.check(checkRequest(reference(0)))).resolves.toEqual({ state: 'valid' });
  });

  it('0x01 INVALID → revoked', async () => {
    await expect(checker.check(checkRequest(reference(1)))).resolves.toMatchObject({ state: 'revoked' });
  });

  it('0x02 SUSPENDED → suspended', async () => {
    await expect(checker.check(checkRequest(reference(2)))).resolves.toMatchObject({ state: 'suspended' });
  });

  it('0x03 (application-specific: meaning unknown to kparty) → invalid, fail closed', async () => {
    await expect(checker.check(checkRequest(reference(3)))).resolves.toMatchObject({ state: 'invalid', reason: 'status_unknown' });
  });

  it('an index outside the list → invalid', async () => {
    await expect(checker.check(checkRequest(reference(1024)))).resolves.toMatchObject({ state: 'invalid', reason: 'index_out_of_range' });
  });

  it('asks for application/statuslist+jwt', async () => {
    await checker.check(checkRequest(reference(0)));
    expect(bed.fetcher.requests).toEqual([{ url: URI, accept: ['application/statuslist+jwt'] }]);
  });
});

describe('Token Status List: tokens built by @sd-jwt/jwt-status-list', () => {
  it.each([1, 2, 4, 8] as const)('reads a %i-bit list it made', async (bits) => {
    const values = Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 0 : Math.min(i % 3, 2 ** bits - 1)));
    const { header, payload } = createHeaderAndPayload(
      new StatusList(values, bits),
      { iss: issuer.did, sub: URI, iat },
      { alg: 'EdDSA', typ: 'statuslist+jwt' },
    );
    bed.fetcher.publish(URI, await signToken(payload, { header }), 'application/statuslist+jwt');
    const expected = values.map((value) => (value === 0 ? 'valid' : value === 1 ? 'revoked' : 'suspended'));
    const states = await Promise.all(values.map((_, index) => checker.check(checkRequest(reference(index))).then((o) => o.state)));
    expect(states).toEqual(expected);
  });
});

describe("Token Status List: the draft's example token", () => {
  it('is read up to its signer, and named unavailable: its https issuer publishes no keys kparty can reach here', async () => {
    const raw = readFileSync(join(VECTORS, 'status_list_jwt_raw.md'), 'utf8').replace(/\s/g, '');
    bed.fetcher.publish(URI, raw, 'application/statuslist+jwt');
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'unavailable', reason: 'signer_unresolvable' });
  });
});

describe("Token Status List: the token's rules", () => {
  const good: JWTPayload = { iss: issuer.did, sub: URI, iat, status_list: { bits: 1, lst: 'eNrbuRgAAhcBXQ' } };

  it("accepts a hand-made token (status_list of the draft's example: index 0 INVALID, index 1 VALID)", async () => {
    bed.fetcher.publish(URI, await signToken(good));
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'revoked' });
    await expect(checker.check(checkRequest(reference(1)))).resolves.toEqual({ state: 'valid' });
  });

  it('accepts typ "application/statuslist+jwt"', async () => {
    bed.fetcher.publish(URI, await signToken(good, { header: { typ: 'application/statuslist+jwt' } }));
    await expect(checker.check(checkRequest(reference(1)))).resolves.toEqual({ state: 'valid' });
  });

  it('finds the signer from a DID URL kid when there is no iss', async () => {
    bed.fetcher.publish(URI, await tokenList(URI, { withIssuer: false, bits: 1, set: [[5, 1]] }));
    await expect(checker.check(checkRequest(reference(5)))).resolves.toMatchObject({ state: 'revoked' });
  });

  it.each([
    ['typ "JWT"', {}, { typ: 'JWT' }, 'list_malformed'],
    ['no typ', {}, { typ: undefined }, 'list_malformed'],
    ['a sub other than the URI', { sub: 'https://example.com/statuslists/2' }, {}, 'subject_mismatch'],
    ['no sub', { sub: undefined }, {}, 'subject_mismatch'],
    ['no iat', { iat: undefined }, {}, 'list_malformed'],
    ['a ttl of zero', { ttl: 0 }, {}, 'list_malformed'],
    ['a ttl in text', { ttl: '3600' }, {}, 'list_malformed'],
    ['an exp in text', { exp: 'never' }, {}, 'list_malformed'],
    ['bits 3', { status_list: { bits: 3, lst: 'eNrbuRgAAhcBXQ' } }, {}, 'list_malformed'],
    ['no lst', { status_list: { bits: 1 } }, {}, 'list_malformed'],
    ['an lst that is not base64url', { status_list: { bits: 1, lst: 'eNrb+uRg/AAhcBXQ==' } }, {}, 'list_malformed'],
    ['an lst that is not ZLIB', { status_list: { bits: 1, lst: Buffer.from('plain').toString('base64url') } }, {}, 'list_malformed'],
    ['an iss that is a number', { iss: 42 }, {}, 'list_malformed'],
    ['an exp in the past', { exp: Math.floor((NOW - 2 * HOUR) / 1000) }, {}, 'list_expired'],
    ['an nbf in the future', { nbf: Math.floor((NOW + 2 * HOUR) / 1000) }, {}, 'list_not_yet_valid'],
  ])('a token with %s → invalid', async (_name, change, header: Record<string, unknown>, reason) => {
    const payload: Record<string, unknown> = { ...good, ...change };
    for (const [key, value] of Object.entries(change)) if (value === undefined) delete payload[key];
    // A header member set to undefined is left out of the JSON.
    bed.fetcher.publish(URI, await signToken(payload, { header }));
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'invalid', reason });
  });

  it('a token signed by a stranger → invalid; by an issuer the policy names → accepted', async () => {
    bed.fetcher.publish(URI, await tokenList(URI, { by: stranger }));
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'invalid', reason: 'signer_untrusted' });
    const other = 'https://example.com/statuslists/delegated';
    bed.fetcher.publish(other, await tokenList(other, { by: delegate }));
    const trusted = checkRequest(reference(0, other), { mayIssueStatusList: (did) => did === delegate.did });
    await expect(checker.check(trusted)).resolves.toEqual({ state: 'valid' });
  });

  it("a token naming the issuer but signed with a stranger's key → invalid", async () => {
    const forged = await new SignJWT(good).setProtectedHeader({ alg: 'EdDSA', kid: issuer.kid, typ: 'statuslist+jwt' }).sign(await stranger.key());
    bed.fetcher.publish(URI, forged);
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'invalid', reason: 'signature_invalid' });
  });

  it('a token whose kid names another DID than its iss → invalid', async () => {
    bed.fetcher.publish(URI, await signToken({ ...good, iss: issuer.did }, { by: stranger }));
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'invalid', reason: 'signature_invalid' });
  });

  it('a MAC-secured token (HS256, the public key as secret) → invalid', async () => {
    const secret = Buffer.from(JSON.stringify(issuer.publicJwk));
    const mac = await new SignJWT(good).setProtectedHeader({ alg: 'HS256', kid: issuer.kid, typ: 'statuslist+jwt' }).sign(secret);
    bed.fetcher.publish(URI, mac);
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'invalid', reason: 'signature_invalid' });
  });

  it('a token without iss and without a DID kid → unavailable (no key kparty can find)', async () => {
    const signer = await signerOf(issuer);
    const anonymous = await new SignJWT({ ...good, iss: undefined }).setProtectedHeader({ alg: 'EdDSA', kid: '12', typ: 'statuslist+jwt' }).sign(signer.key);
    bed.fetcher.publish(URI, anonymous);
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'unavailable', reason: 'securing_unsupported' });
  });

  it('a 64 MiB ZLIB bomb → invalid at the cap', async () => {
    bed.fetcher.publish(URI, await signToken({ ...good, status_list: { bits: 1, lst: (await zeroBomb('zlib', 64)).toString('base64url') } }));
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'invalid', reason: 'list_too_large' });
  });

  it('a token that cannot be fetched → unavailable', async () => {
    bed.fetcher.fail(URI, 'timeout');
    await expect(checker.check(checkRequest(reference(0)))).resolves.toMatchObject({ state: 'unavailable', reason: 'fetch_failed' });
  });
});

describe('Token Status List: malformed references', () => {
  it.each([
    ['status_list that is not an object', { status_list: 'https://example.com/statuslists/1' }],
    ['a negative idx', { status_list: { idx: -1, uri: URI } }],
    ['an idx in text', { status_list: { idx: '1', uri: URI } }],
    ['a fractional idx', { status_list: { idx: 1.5, uri: URI } }],
    ['an unsafe idx', { status_list: { idx: 2 ** 60, uri: URI } }],
    ['no uri', { status_list: { idx: 1 } }],
    ['a relative uri', { status_list: { idx: 1, uri: '/statuslists/1' } }],
    ['an ftp uri', { status_list: { idx: 1, uri: 'ftp://example.com/statuslists/1' } }],
  ])('%s → malformed, nothing fetched', async (_name, entry) => {
    await expect(checker.check(checkRequest(entry))).resolves.toMatchObject({ state: 'malformed', reason: 'entry_malformed' });
    expect(bed.fetcher.requests).toEqual([]);
  });

  it('supports the status claim shape only', () => {
    expect(checker.supports(reference(1))).toBe(true);
    expect(checker.supports({ type: 'BitstringStatusListEntry' })).toBe(false);
    expect(checker.supports(null)).toBe(false);
  });
});
