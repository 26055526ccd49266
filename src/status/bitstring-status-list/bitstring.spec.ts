import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BitstringStatusList, createList, decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { StatusList } from '@digitalbazaar/vc-status-list';
import { BitstringStatusListBuilder } from '../issuing/bitstring-status-list-issuer.js';
import { expandEncodedList, readBitstringStatus, writeBitstringStatus } from './bitstring.js';
import { MIN_STATUS_LIST_ENTRIES } from './bitstring-status-checker.js';

const VECTORS = join(process.cwd(), 'test', 'vectors', 'status-lists', 'w3c-bitstring-status-list');
const MAX = 16 * 1024 * 1024;

function vector(name: string): { credentialSubject?: { encodedList?: string }; credentialStatus?: { statusListIndex: string } } {
  return JSON.parse(readFileSync(join(VECTORS, name), 'utf8'));
}

async function expand(encodedList: string, multibase = true): Promise<Uint8Array> {
  const bitstring = await expandEncodedList(encodedList, { multibase, maxBytes: MAX });
  if ('problem' in bitstring) throw new Error(bitstring.detail);
  return bitstring;
}

function setIndexes(bitstring: Uint8Array): number[] {
  const set: number[] = [];
  for (let index = 0; index < bitstring.length * 8; index++) if (readBitstringStatus(bitstring, index, 1) === 1) set.push(index);
  return set;
}

describe('W3C bitstring: published vectors', () => {
  it("expands the spec's example BitstringStatusListCredential to 131,072 unset entries (16 KiB, the minimum)", async () => {
    const encodedList = vector('spec-example-bitstring-status-list-credential.json').credentialSubject?.encodedList as string;
    const bitstring = await expand(encodedList);
    expect(bitstring.length).toBe(16 * 1024);
    expect(bitstring.length * 8).toBe(MIN_STATUS_LIST_ENTRIES);
    expect(setIndexes(bitstring)).toEqual([]);
  });

  it('reads the W3C test suite\'s list as its fixtures expect: index 201 set ("should be revoked"), index 1 not', async () => {
    // The test-suite list predates the multibase prefix the spec now requires (see the vectors' README).
    const encodedList = vector('single-purpose-ok.jsonld').credentialSubject?.encodedList as string;
    const bitstring = await expand(`u${encodedList}`);
    const revoked = Number(vector('should-be-revoked.jsonld').credentialStatus?.statusListIndex);
    const valid = Number(vector('sl-purpose-single-ok.jsonld').credentialStatus?.statusListIndex);
    expect(revoked).toBe(201);
    expect(readBitstringStatus(bitstring, revoked, 1)).toBe(1);
    expect(readBitstringStatus(bitstring, valid, 1)).toBe(0);
    // Left-most bit first: index 201 is bit 1 (counting from the most significant) of byte 25.
    expect(bitstring[25]).toBe(0b0100_0000);
  });

  it("agrees with @digitalbazaar/vc-bitstring-status-list on every entry of the test suite's list", async () => {
    const encodedList = `u${vector('multi-purpose-ok.jsonld').credentialSubject?.encodedList as string}`;
    const ours = await expand(encodedList);
    const theirs = await decodeList({ encodedList });
    expect(theirs.length).toBe(ours.length * 8);
    const mismatches: number[] = [];
    for (let index = 0; index < theirs.length; index++) {
      if (Number(theirs.getStatus(index)) !== readBitstringStatus(ours, index, 1)) mismatches.push(index);
    }
    expect(mismatches).toEqual([]);
  });

  it("refuses the test suite's short list as fewer than the minimum entries", async () => {
    const bitstring = await expand(`u${vector('short-encoded-list-fail.jsonld').credentialSubject?.encodedList as string}`);
    expect(bitstring.length * 8).toBeLessThan(MIN_STATUS_LIST_ENTRIES);
  });
});

describe('W3C bitstring: an independent implementation', () => {
  const indexes = [0, 1, 7, 8, 201, 4095, 65_536, 94_567, 131_071];

  it('reads lists encoded by @digitalbazaar/vc-bitstring-status-list', async () => {
    const list = await createList({ length: MIN_STATUS_LIST_ENTRIES });
    for (const index of indexes) list.setStatus(index, true);
    const bitstring = await expand(await list.encode());
    expect(setIndexes(bitstring)).toEqual(indexes);
  });

  it('writes lists @digitalbazaar/vc-bitstring-status-list reads', async () => {
    const builder = new BitstringStatusListBuilder();
    for (const index of indexes) builder.set(index, true);
    const theirs = await BitstringStatusList.decode({ encodedList: await builder.encode() });
    for (const index of indexes) expect(theirs.getStatus(index)).toBe(true);
    expect(theirs.getStatus(2)).toBe(false);
    expect(theirs.getStatus(131_070)).toBe(false);
  });

  it('reads StatusList2021 lists encoded by @digitalbazaar/vc-status-list (no multibase prefix)', async () => {
    const list = new StatusList({ length: MIN_STATUS_LIST_ENTRIES });
    for (const index of indexes) list.setStatus(index, true);
    const encodedList = await list.encode();
    expect(encodedList.startsWith('H4sI')).toBe(true);
    expect(setIndexes(await expand(encodedList, false))).toEqual(indexes);
  });
});

describe('W3C bitstring: bit order and multi-bit entries', () => {
  it('puts index 0 in the most significant bit of the first byte', () => {
    const bitstring = new Uint8Array(2);
    writeBitstringStatus(bitstring, 0, 1, 1);
    expect([...bitstring]).toEqual([0x80, 0]);
    writeBitstringStatus(bitstring, 15, 1, 1);
    expect([...bitstring]).toEqual([0x80, 0x01]);
  });

  it('reads a statusSize-2 entry as two consecutive bits, the first most significant', () => {
    const bitstring = Uint8Array.from([0b10_01_11_00]);
    expect([0, 1, 2, 3].map((i) => readBitstringStatus(bitstring, i, 2))).toEqual([0b10, 0b01, 0b11, 0b00]);
  });

  it('round-trips every value of every size from 1 to 8 bits at unaligned positions', () => {
    for (let size = 1; size <= 8; size++) {
      const bitstring = new Uint8Array(64);
      for (let value = 0; value < 2 ** size; value += Math.max(1, 2 ** size / 16)) {
        const index = 3 + value;
        if ((index + 1) * size > 512) continue;
        writeBitstringStatus(bitstring, index, size, value);
        expect(readBitstringStatus(bitstring, index, size)).toBe(value);
      }
    }
  });

  it('answers undefined (RANGE_ERROR) for an entry not wholly inside the bitstring', () => {
    const bitstring = new Uint8Array(2);
    expect(readBitstringStatus(bitstring, 15, 1)).toBe(0);
    expect(readBitstringStatus(bitstring, 16, 1)).toBeUndefined();
    expect(readBitstringStatus(bitstring, 7, 2)).toBe(0);
    expect(readBitstringStatus(bitstring, 8, 2)).toBeUndefined();
    expect(readBitstringStatus(bitstring, 5, 3)).toBeUndefined();
    expect(readBitstringStatus(bitstring, Number.MAX_SAFE_INTEGER, 8)).toBeUndefined();
    expect(readBitstringStatus(bitstring, -1, 1)).toBeUndefined();
  });
});

describe('expandEncodedList refusals', () => {
  it.each([
    ['no multibase prefix', 'H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA'],
    ['another multibase (base58btc)', 'z3yMR7vLdAwVz'],
    ['padding', 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA=='],
    ['standard base64 characters', 'uH4sI+/AAAA'],
    ['nothing after the prefix', 'u'],
    ['base64url that is not GZIP', `u${Buffer.from('plain text, not gzip').toString('base64url')}`],
  ])('refuses %s as a malformed list', async (_name, encodedList) => {
    const outcome = await expandEncodedList(encodedList, { multibase: true, maxBytes: MAX });
    expect(outcome).toEqual({ problem: 'invalid', reason: 'list_malformed', detail: expect.any(String) });
  });

  it('refuses a list that inflates past the cap as too large', async () => {
    const outcome = await expandEncodedList(`u${gzipSync(Buffer.alloc(2048)).toString('base64url')}`, { multibase: true, maxBytes: 2047 });
    expect(outcome).toEqual({ problem: 'invalid', reason: 'list_too_large', detail: expect.any(String) });
  });
});
