import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { Sign1, cborEncode } from '@owf/mdoc';
import { zeroBomb } from '../../../test/support/status-lists.js';
import { fixedClock } from '../../core/clock.js';
import { makeDocumentSigner, makeIaca, nodeMdocContext, type TestCertificate } from '../../formats/mdoc/__fixtures__/mdoc-test-bed.js';
import { anchoredChainValidator } from '../../formats/mdoc/chain-validator.js';
import { decodeCbor } from '../../formats/mdoc/cbor.js';
import { parseCoseSign1, verifyCoseSign1 } from '../../formats/mdoc/cose.js';
import { TrustAnchorStore } from '../../trust/index.js';
import { MAX_LIST_BYTES, checkRequest, dids, testBed, type TestBed } from '../__fixtures__/status-test-bed.js';
import { tokenStatusReference } from '../issuing/index.js';
import { STATUS_LIST_CWT_LIMITS, readStatusListCwt, type StatusListCwtTrust } from './status-list-cwt.js';
import { TokenStatusListChecker } from './token-status-checker.js';

const URI = 'https://example.com/statuslists/1';
const VECTORS = join(process.cwd(), 'test', 'vectors', 'status-lists', 'ietf-token-status-list');
const NOW = Date.now();

let iaca: TestCertificate;
let listSigner: TestCertificate;
let trust: StatusListCwtTrust;

beforeAll(async () => {
  iaca = await makeIaca({ name: 'status IACA' });
  listSigner = await makeDocumentSigner(iaca, { name: 'status list signer', eku: ['1.3.6.1.5.5.7.3.2'] });
  trust = {
    validateChain: anchoredChainValidator(TrustAnchorStore.fromPem([new X509Certificate(iaca.der).toString()])),
    clock: fixedClock(NOW),
    clockSkewSeconds: 60,
  };
});

interface CwtOptions {
  sub?: string;
  typ?: unknown;
  bits?: number;
  statuses?: number[];
  lst?: Uint8Array;
  iat?: number | null;
  exp?: number;
  ttl?: number;
  signer?: TestCertificate;
  chain?: Uint8Array[] | null;
}

/** A Status List Token in CWT format, signed with @owf/mdoc's COSE_Sign1 and the x5chain of `signer`. */
async function statusListCwt(options: CwtOptions = {}): Promise<Uint8Array> {
  const bits = options.bits ?? 2;
  const bytes = new Uint8Array(64);
  (options.statuses ?? []).forEach((value, index) => {
    const perByte = 8 / bits;
    bytes[Math.floor(index / perByte)] = (bytes[Math.floor(index / perByte)] as number) | (value << ((index % perByte) * bits));
  });
  const claims = new Map<number, unknown>([
    [2, options.sub ?? URI],
    [
      65533,
      new Map<string, unknown>([
        ['bits', bits],
        ['lst', options.lst ?? new Uint8Array(deflateSync(bytes))],
      ]),
    ],
  ]);
  if (options.iat !== null) claims.set(6, options.iat ?? Math.floor(NOW / 1000) - 3600);
  if (options.exp !== undefined) claims.set(4, options.exp);
  if (options.ttl !== undefined) claims.set(65534, options.ttl);
  const signer = options.signer ?? listSigner;
  const unprotected = new Map<number, unknown>();
  if (options.chain !== null) unprotected.set(33, options.chain ?? [signer.der]);
  const sign1 = await Sign1.create(
    {
      protectedHeaders: new Map<number, unknown>([
        [1, -7],
        [16, options.typ ?? 'application/statuslist+cwt'],
      ]),
      unprotectedHeaders: unprotected,
      payload: cborEncode(claims),
      signingKey: signer.coseKey,
    } as unknown as Parameters<typeof Sign1.create>[0],
    nodeMdocContext,
  );
  // COSE_Sign1_Tagged: tag 18 (0xd2) before the COSE_Sign1 array @owf/mdoc encodes.
  return new Uint8Array([0xd2, ...sign1.encode()]);
}

describe('Status List Token in CWT format', () => {
  describe('the draft example (examples/status_list_cwt.md)', () => {
    const example = new Uint8Array(Buffer.from(readFileSync(join(VECTORS, 'status_list_cwt.md'), 'utf8').replace(/\s+/g, ''), 'hex'));

    it('is a tagged COSE_Sign1 whose signature holds with the draft\'s example key "12"', () => {
      expect(example[0]).toBe(0xd2);
      const decoded = decodeCbor(example.subarray(1), STATUS_LIST_CWT_LIMITS);
      const sign1 = parseCoseSign1(decoded.ok ? decoded.value : undefined, (bytes) => decodeCbor(bytes, STATUS_LIST_CWT_LIMITS));
      expect(sign1.ok).toBe(true);
      // draft-ietf-oauth-status-list src/util.py, the public part of EXAMPLE_KEY.
      const key = createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: 'I3HWm_0Ds1dPMI-IWmf4mBmH-YaeAVbPVu7vB27CxXo', y: '6N_d5Elj9bs1htgV3okJKIdbHEpkgTmAluYKJemzn1M' },
        format: 'jwk',
      });
      expect(sign1.ok && verifyCoseSign1(sign1.value, key)).toEqual({ ok: true });
    });

    it('reads up to the signer, then is unavailable: it names its key only by kid, and kparty trusts CWT lists through x5chain', async () => {
      await expect(readStatusListCwt(example, URI, trust, MAX_LIST_BYTES)).resolves.toMatchObject({ problem: 'unavailable', reason: 'securing_unsupported' });
    });
  });

  it('reads a list signed through x5chain to an anchor; its signer is the x509_hash of the leaf', async () => {
    const read = await readStatusListCwt(
      await statusListCwt({ statuses: [0, 1, 2], ttl: 600, exp: Math.floor(NOW / 1000) + 7200 }),
      URI,
      trust,
      MAX_LIST_BYTES,
    );
    expect(read).toMatchObject({ list: { bits: 2 }, ttlMs: 600_000 });
    expect('list' in read && read.list.issuer).toMatch(/^x509_hash:[A-Za-z0-9_-]{43}$/);
    expect('list' in read && Array.from(read.list.list.subarray(0, 1))).toEqual([0b100100]);
  });

  it.each<[string, () => Promise<Uint8Array>, string, string]>([
    ['another sub', () => statusListCwt({ sub: 'https://example.com/statuslists/2' }), 'invalid', 'subject_mismatch'],
    ['another typ', () => statusListCwt({ typ: 'application/cwt' }), 'invalid', 'list_malformed'],
    ['no iat', () => statusListCwt({ iat: null }), 'invalid', 'list_malformed'],
    ['bits 3', () => statusListCwt({ bits: 3 }), 'invalid', 'list_malformed'],
    ['no x5chain', () => statusListCwt({ chain: null }), 'unavailable', 'securing_unsupported'],
    [
      'a chain to no anchor',
      async () => statusListCwt({ signer: await makeDocumentSigner(await makeIaca({ name: 'stranger' })) }),
      'invalid',
      'signature_invalid',
    ],
    [
      'a signature by another key than the x5chain leaf',
      async () => statusListCwt({ signer: { ...(await makeDocumentSigner(iaca)), der: listSigner.der } }),
      'invalid',
      'signature_invalid',
    ],
    ['the CWT tag 61', async () => new Uint8Array([0xd8, 0x3d, ...(await statusListCwt())]), 'invalid', 'list_malformed'],
    ['a COSE_Mac0', async () => new Uint8Array([0xd1, ...(await statusListCwt()).subarray(1)]), 'unavailable', 'securing_unsupported'],
    ['an untagged COSE_Sign1', async () => (await statusListCwt()).subarray(1), 'invalid', 'list_malformed'],
    ['a CBOR nesting bomb', async () => new Uint8Array([0xd2, ...new Array(64).fill(0x81), 0]), 'invalid', 'list_malformed'],
    ['an indefinite-length array', async () => new Uint8Array([0xd2, 0x9f, 0xff]), 'invalid', 'list_malformed'],
    ['lst that is not ZLIB', () => statusListCwt({ lst: new Uint8Array([1, 2, 3]) }), 'invalid', 'list_malformed'],
  ])('refuses %s', async (_name, make, problem, reason) => {
    await expect(readStatusListCwt(await make(), URI, trust, MAX_LIST_BYTES)).resolves.toMatchObject({ problem, reason });
  });

  it('refuses a ZLIB bomb past KPARTY_STATUS_MAX_LIST_BYTES (list_too_large)', async () => {
    const bomb = await statusListCwt({ lst: new Uint8Array(await zeroBomb('zlib', 4)) });
    await expect(readStatusListCwt(bomb, URI, trust, 1024 * 1024)).resolves.toMatchObject({ problem: 'invalid', reason: 'list_too_large' });
  });

  it('is unavailable without trust anchors', async () => {
    await expect(readStatusListCwt(await statusListCwt(), URI, undefined, MAX_LIST_BYTES)).resolves.toMatchObject({
      problem: 'unavailable',
      reason: 'securing_unsupported',
    });
  });

  describe('through the Token Status List checker (an mdoc MSO `status` reference)', () => {
    let bed: TestBed;
    let checker: TokenStatusListChecker;
    beforeEach(() => {
      bed = testBed();
      checker = new TokenStatusListChecker(bed.source, dids, MAX_LIST_BYTES, { cwt: trust, clock: trust.clock, clockSkewSeconds: trust.clockSkewSeconds });
    });

    it("asks for both media types and answers valid / revoked / suspended for a list signed by the credential's issuer certificate", async () => {
      bed.fetcher.publish(URI, await statusListCwt({ statuses: [0, 1, 2] }), 'application/statuslist+cwt');
      const issuer = (await readStatusListCwt(await statusListCwt(), URI, trust, MAX_LIST_BYTES)) as { list: { issuer: string } };
      const request = (idx: number) => {
        const base = checkRequest(tokenStatusReference(URI, idx), { now: NOW });
        return { ...base, credential: { ...base.credential, issuer: issuer.list.issuer } };
      };
      await expect(checker.check(request(0))).resolves.toEqual({ state: 'valid' });
      await expect(checker.check(request(1))).resolves.toMatchObject({ state: 'revoked' });
      await expect(checker.check(request(2))).resolves.toMatchObject({ state: 'suspended' });
      expect(bed.fetcher.requests[0]).toEqual({ url: URI, accept: ['application/statuslist+jwt', 'application/statuslist+cwt'] });
    });

    it("refuses a list signed by another certificate than the credential's issuer (signer_untrusted)", async () => {
      bed.fetcher.publish(URI, await statusListCwt({ statuses: [0] }), 'application/statuslist+cwt');
      await expect(checker.check(checkRequest(tokenStatusReference(URI, 0), { now: NOW }))).resolves.toMatchObject({
        state: 'invalid',
        reason: 'signer_untrusted',
      });
    });
  });
});
