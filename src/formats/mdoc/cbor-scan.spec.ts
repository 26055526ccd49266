import { cborEncode } from '@owf/mdoc';
import { DEFAULT_CBOR_LIMITS, scanCbor, type CborLimits } from './cbor-scan.js';
import { parseDeviceResponse } from './device-response.js';

const limits: CborLimits = { maxBytes: 4096, maxDepth: 8, maxItems: 200 };
/** `levels` byte strings, each tag 24 around the next, around 0. */
function nestedTag24(levels: number): Uint8Array {
  let bytes = new Uint8Array([0]);
  for (let i = 0; i < levels; i += 1) bytes = new Uint8Array([0xd8, 0x18, ...(bytes.length < 24 ? [0x40 | bytes.length] : [0x58, bytes.length]), ...bytes]);
  return bytes;
}

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe('CBOR pre-scan (hostile input, before any decoder)', () => {
  it('accepts definite-length items within the limits and counts them', () => {
    expect(
      scanCbor(
        cborEncode(
          new Map<string, unknown>([
            ['a', [1, 2, 3]],
            ['b', new Uint8Array(4)],
          ]),
        ),
        limits,
      ),
    ).toEqual({ ok: true, items: 8 });
    // Floats, simple values, negative integers, text.
    expect(scanCbor(cborEncode([1.5, -7, true, null, 'x', 1e300]), limits).ok).toBe(true);
  });

  it('accepts an embedded tag-24 item and counts what is inside it', () => {
    const inner = cborEncode([1, 2]);
    const bytes = new Uint8Array([0xd8, 0x18, 0x40 | inner.length, ...inner]);
    expect(scanCbor(bytes, limits)).toEqual({ ok: true, items: 5 });
  });

  it.each([
    ['more bytes than maxBytes', new Uint8Array(limits.maxBytes + 1), /more than the 4096 allowed/],
    ['nesting deeper than maxDepth (array bomb)', hex('81'.repeat(20) + '00'), /deeper than 8/],
    ['nesting through embedded (tag 24) CBOR', nestedTag24(10), /deeper than 8/],
    ['more items than maxItems', cborEncode(new Array(300).fill(0)), /more than 200 data items/],
    ['an indefinite-length array', hex('9f 01 02 ff'), /indefinite-length/],
    ['an indefinite-length map', hex('bf 61 61 01 ff'), /indefinite-length/],
    ['an indefinite-length byte string', hex('5f 41 00 ff'), /indefinite-length/],
    ['an endless indefinite-length array (never closed)', hex('9f' + '01'.repeat(50)), /indefinite-length/],
    ['an array declaring 2^32 entries in 9 bytes', hex('9b 0000000100000000'), /declares 4294967296 entries/],
    ['a map declaring 2^31 entries', hex('ba 80000000'), /declares 2147483648 entries/],
    ['a byte string declaring 2^40 bytes', hex('5b 0000010000000000'), /more than the input holds/],
    ['a truncated header', hex('19 01'), /truncated/],
    ['a truncated array', hex('83 01 02'), /more than the input can hold/],
    ['a truncated item inside an array', hex('82 01 19 01'), /truncated/],
    ['trailing bytes', hex('01 02'), /trailing/],
    ['a stray break', hex('ff'), /break/],
    ['reserved additional information', hex('1c'), /reserved/],
    ['a tag kparty does not accept (cbor-x structured clone / records)', hex('d9 6871 80'), /tag 26737 is not accepted/],
    ['a tagged COSE_Sign1 (tag 18: ISO/IEC 18013-5 uses it untagged)', hex('d2 84 40 a0 f6 40'), /tag 18 is not accepted/],
    ['tag 24 around something other than a byte string', hex('d8 18 01'), /tag 24 must wrap a byte string/],
    ['tag 24 around bytes that are not one CBOR item', hex('d8 18 42 01 02'), /trailing bytes inside an embedded/],
    ['tag 24 hiding a nesting bomb', new Uint8Array([0xd8, 0x18, 0x54, ...new Array(20).fill(0x81)]), /truncated|deeper/],
  ])('refuses %s', (_name, bytes, detail) => {
    const scan = scanCbor(bytes, limits);
    expect(scan.ok).toBe(false);
    expect(!scan.ok && scan.detail).toMatch(detail);
  });

  it('has defaults that fit a real DeviceResponse and stop a bomb', () => {
    expect(DEFAULT_CBOR_LIMITS).toEqual({ maxBytes: 512 * 1024, maxDepth: 24, maxItems: 20_000 });
    expect(scanCbor(hex('81'.repeat(30) + '00')).ok).toBe(false);
  });

  describe('DeviceResponse bombs answer presentation.malformed before decoding', () => {
    const malformed = (input: string | Uint8Array) => {
      const outcome = parseDeviceResponse(input, limits);
      expect(outcome.ok).toBe(false);
      return outcome.failures;
    };

    it.each([
      ['oversized base64url (refused from its length alone)', 'A'.repeat(Math.ceil((limits.maxBytes * 4) / 3) + 8)],
      ['a deep-nesting bomb', Buffer.from(hex('a1 67 76657273696f6e' + '81'.repeat(40) + '00')).toString('base64url')],
      ['an indefinite-length bomb', Buffer.from(hex('bf 67 76657273696f6e 63 312e30' + '9f'.repeat(10))).toString('base64url')],
      ['an allocation bomb (array of 2^32 - 1 entries)', Buffer.from(hex('a1 69 646f63756d656e7473 9b 00000000ffffffff')).toString('base64url')],
    ])('%s', (_name, input) => {
      expect(malformed(input)).toEqual([expect.objectContaining({ code: 'presentation.malformed', path: 'presentation' })]);
    });

    it('an item bomb hidden in an embedded IssuerSignedItem', () => {
      const inner = cborEncode(new Array(500).fill(0));
      const bytes = new Uint8Array([0xd8, 0x18, 0x59, inner.length >> 8, inner.length & 0xff, ...inner]);
      expect(malformed(new Uint8Array([0xa1, 0x61, 0x78, ...bytes]))).toEqual([expect.objectContaining({ code: 'presentation.malformed' })]);
    });
  });
});
