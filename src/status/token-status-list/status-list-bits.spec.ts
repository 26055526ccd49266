import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { StatusList, type BitsPerStatus } from '@sd-jwt/jwt-status-list';
import { TokenStatusListBuilder } from '../issuing/token-status-list-issuer.js';
import { readTokenStatus, writeTokenStatus, type StatusBits } from './status-list-bits.js';

const VECTORS = join(process.cwd(), 'test', 'vectors', 'status-lists', 'ietf-token-status-list');

/** A draft example file: optional `byte_array = [...]` line, then the JSON Status List (long `lst` values are folded over lines). */
function example(name: string): { bytes?: number[]; bits: StatusBits; lst: string } {
  const text = readFileSync(join(VECTORS, name), 'utf8');
  const byteArray = /byte_array = \[([^\]]*)\]/.exec(text)?.[1];
  const json = JSON.parse(text.slice(text.indexOf('{')).replace(/\n\s*/g, '')) as { bits: StatusBits; lst: string };
  return { ...json, ...(byteArray !== undefined ? { bytes: byteArray.split(',').map((b) => Number.parseInt(b.trim(), 16)) } : {}) };
}

function statuses(list: Uint8Array, bits: StatusBits): number[] {
  return Array.from({ length: (list.length * 8) / bits }, (_, i) => readTokenStatus(list, i, bits) as number);
}

/** Every non-zero status of a list, as [index, value]. */
function nonZero(list: Uint8Array, bits: StatusBits): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  statuses(list, bits).forEach((value, index) => value !== 0 && found.push([index, value]));
  return found;
}

describe("IETF Token Status List: the draft's examples", () => {
  it('bits 1: "eNrbuRgAAhcBXQ" is [0xB9, 0xA3], statuses 1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1 (least significant bit first)', () => {
    const vector = example('status_list_encoding_json.md');
    const list = inflateSync(Buffer.from(vector.lst, 'base64url'));
    expect([...list]).toEqual(vector.bytes);
    expect([...list]).toEqual([0xb9, 0xa3]);
    // draft-excerpt-status-list-byte-array.md, status[0] … status[15]
    expect(statuses(list, vector.bits)).toEqual([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
  });

  it('bits 2: "eNo76fITAAPfAgc" is [0xC9, 0x44, 0xF9], statuses 1,2,0,3, 0,1,0,1, 1,2,3,3', () => {
    const vector = example('status_list_encoding2_json.md');
    const list = inflateSync(Buffer.from(vector.lst, 'base64url'));
    expect([...list]).toEqual([0xc9, 0x44, 0xf9]);
    expect(vector.bits).toBe(2);
    // draft-excerpt-status-list-byte-array.md, status[0] … status[11]
    expect(statuses(list, 2)).toEqual([1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]);
  });

  it('test vector "1 bit Status List": 2^20 entries, exactly the eleven listed ones set', () => {
    const vector = example('status_list_encoding1_long_json.md');
    const list = inflateSync(Buffer.from(vector.lst, 'base64url'));
    expect((list.length * 8) / vector.bits).toBe(2 ** 20);
    // draft-excerpt-test-vectors.md
    const expected = [0, 1993, 25460, 159495, 495669, 554353, 645645, 723232, 854545, 934534, 1000345].map((i) => [i, 1]);
    expect(nonZero(list, vector.bits)).toEqual(expected);
  });

  it('test vector "2 bit Status List": 2^20 entries, exactly the eleven listed values', () => {
    const vector = example('status_list_encoding2_long_json.md');
    const list = inflateSync(Buffer.from(vector.lst, 'base64url'));
    expect((list.length * 8) / vector.bits).toBe(2 ** 20);
    expect(nonZero(list, vector.bits)).toEqual([
      [0, 0b01],
      [1993, 0b10],
      [25460, 0b01],
      [159495, 0b11],
      [495669, 0b01],
      [554353, 0b01],
      [645645, 0b10],
      [723232, 0b01],
      [854545, 0b01],
      [934534, 0b10],
      [1000345, 0b11],
    ]);
  });

  it('our builder reproduces both short examples byte for byte', () => {
    const one = new TokenStatusListBuilder({ entries: 16, bits: 1 });
    [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1].forEach((value, index) => one.set(index, value));
    expect([...one.list]).toEqual([0xb9, 0xa3]);
    const two = new TokenStatusListBuilder({ entries: 12, bits: 2 });
    [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3].forEach((value, index) => two.set(index, value));
    expect([...two.list]).toEqual([0xc9, 0x44, 0xf9]);
    expect(inflateSync(Buffer.from(two.encode().lst, 'base64url'))).toEqual(Buffer.from([0xc9, 0x44, 0xf9]));
  });
});

describe('IETF Token Status List: an independent implementation (@sd-jwt/jwt-status-list)', () => {
  it.each([1, 2, 4, 8] as const)('reads %i-bit lists it compresses', (bits) => {
    const values = Array.from({ length: 4096 }, (_, i) => (i * 7919) % 2 ** bits);
    const theirs = new StatusList(values, bits as BitsPerStatus);
    const list = inflateSync(Buffer.from(theirs.compressStatusList(), 'base64url'));
    expect(statuses(list, bits).slice(0, values.length)).toEqual(values);
  });

  it.each([1, 2, 4, 8] as const)('writes %i-bit lists it decompresses', (bits) => {
    const builder = new TokenStatusListBuilder({ entries: 4096, bits });
    const values = Array.from({ length: 4096 }, (_, i) => (i * 104_729) % 2 ** bits);
    values.forEach((value, index) => builder.set(index, value));
    const theirs = StatusList.decompressStatusList(builder.encode().lst, bits as BitsPerStatus);
    expect(values.map((_, index) => theirs.getStatus(index))).toEqual(values);
  });
});

describe('readTokenStatus bounds', () => {
  it('answers undefined for an index outside the list', () => {
    const list = new Uint8Array(2);
    expect(readTokenStatus(list, 15, 1)).toBe(0);
    expect(readTokenStatus(list, 16, 1)).toBeUndefined();
    expect(readTokenStatus(list, 1, 8)).toBe(0);
    expect(readTokenStatus(list, 2, 8)).toBeUndefined();
    expect(readTokenStatus(list, -1, 1)).toBeUndefined();
    expect(readTokenStatus(list, 0.5, 1)).toBeUndefined();
  });

  it('refuses to write a value that does not fit', () => {
    expect(() => writeTokenStatus(new Uint8Array(1), 0, 2, 4)).toThrow(RangeError);
    expect(() => writeTokenStatus(new Uint8Array(1), 8, 1, 1)).toThrow(RangeError);
  });
});
