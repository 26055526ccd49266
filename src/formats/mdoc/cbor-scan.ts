/**
 * A pre-scan of CBOR (RFC 8949) headers, run on hostile bytes BEFORE any
 * decoder sees them. The decoder kparty uses (cbor-x, through @owf/mdoc)
 * cannot be told to stop at a depth, a number of items or a declared length,
 * and it pre-allocates arrays of the declared size; so kparty walks the item
 * headers itself first — no values are built — and refuses:
 * - input longer than `maxBytes`;
 * - nesting deeper than `maxDepth` (arrays, maps, tags and the CBOR embedded
 *   in a tag-24 byte string all count one level);
 * - more than `maxItems` data items in total (embedded CBOR included);
 * - indefinite-length strings, arrays and maps (ISO/IEC 18013-5 §8.1 asks
 *   for definite lengths; an indefinite item is also how a "never ending"
 *   input keeps a decoder reading);
 * - a declared length or count that cannot fit in the bytes that remain
 *   (every array element and map entry takes at least one byte);
 * - tags other than those ISO/IEC 18013-5 data uses: 0 and 1 (tdate, epoch
 *   time), 24 (encoded CBOR data item), 100 and 1004 (full-date, RFC 8943),
 *   37 (UUID); every other tag would reach decoder extensions kparty never
 *   asked for. The COSE tags 17 and 18 are refused too: ISO/IEC 18013-5
 *   carries IssuerAuth, DeviceSignature and DeviceMac untagged, and the
 *   decoder's extension for them would parse a protected header that was
 *   never pre-scanned (a CWT status list, which must be tagged, has its tag
 *   taken off before its scan: src/status/token-status-list/status-list-cwt.ts);
 * - reserved additional-information values (28–30), a stray "break", trailing
 *   bytes after the top-level item, and truncated input.
 * Lengths are read as numbers up to 2^53; anything larger cannot fit anyway.
 */

export interface CborLimits {
  /** Most bytes of one encoded item (KPARTY_MDOC_MAX_BYTES). */
  maxBytes: number;
  /** Deepest nesting (KPARTY_MDOC_MAX_DEPTH). */
  maxDepth: number;
  /** Most data items in total (KPARTY_MDOC_MAX_ITEMS). */
  maxItems: number;
}

/**
 * Defaults (docs/security.md, "mdoc"): 512 KiB holds a DeviceResponse with a
 * PID and an mDL portrait; a DeviceResponse nests about 12 levels (with the
 * embedded MSO and IssuerSignedItems); 20,000 items is far above a full mDL.
 */
export const DEFAULT_CBOR_LIMITS: CborLimits = { maxBytes: 512 * 1024, maxDepth: 24, maxItems: 20_000 };

export const ALLOWED_CBOR_TAGS: ReadonlySet<number> = new Set([0, 1, 24, 37, 100, 1004]);

export type CborScan = { ok: true; items: number } | { ok: false; detail: string };

class ScanError extends Error {}

interface Frame {
  /** Items still expected in this container (map entries count twice). */
  remaining: number;
  /** Whether the container is a tag (one item, then the frame closes). */
  depth: number;
}

/** Checks `bytes` as one complete CBOR data item within `limits`. Never throws. */
export function scanCbor(bytes: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): CborScan {
  if (bytes.length > limits.maxBytes) return { ok: false, detail: `the CBOR is ${bytes.length} bytes, more than the ${limits.maxBytes} allowed` };
  const counter = { items: 0 };
  try {
    const end = scanItem(bytes, 0, bytes.length, 0, limits, counter);
    if (end !== bytes.length) return { ok: false, detail: `${bytes.length - end} trailing byte(s) after the CBOR data item` };
    return { ok: true, items: counter.items };
  } catch (error) {
    if (error instanceof ScanError) return { ok: false, detail: error.message };
    throw error;
  }
}

/** Reads the argument of a header at `offset`; returns [value, next offset]. */
function readArgument(bytes: Uint8Array, offset: number, info: number, end: number): [number, number] {
  if (info < 24) return [info, offset];
  const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
  if (size === 0) throw new ScanError(info === 31 ? 'indefinite-length items are not accepted' : `reserved additional information ${info}`);
  if (offset + size > end) throw new ScanError('the CBOR is truncated');
  let value = 0;
  for (let i = 0; i < size; i += 1) value = value * 256 + (bytes[offset + i] as number);
  return [value, offset + size];
}

/**
 * Scans one item starting at `start` and everything nested in it with an
 * explicit stack (no recursion on hostile nesting, except into tag-24
 * embedded CBOR, which is bounded by `maxDepth` too). Returns the offset after it.
 */
function scanItem(bytes: Uint8Array, start: number, end: number, baseDepth: number, limits: CborLimits, counter: { items: number }): number {
  const stack: Frame[] = [];
  let offset = start;
  let pendingTag24 = false;
  for (;;) {
    if (offset >= end) throw new ScanError('the CBOR is truncated');
    counter.items += 1;
    if (counter.items > limits.maxItems) throw new ScanError(`the CBOR holds more than ${limits.maxItems} data items`);
    const depth = baseDepth + stack.length;
    if (depth > limits.maxDepth) throw new ScanError(`the CBOR nests deeper than ${limits.maxDepth} levels`);
    const initial = bytes[offset] as number;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7 && info === 31) throw new ScanError('a "break" outside an indefinite-length item');
    const [argument, next] = major === 7 && info >= 24 ? readSimple(bytes, offset + 1, info, end) : readArgument(bytes, offset + 1, info, end);
    offset = next;
    const tag24 = pendingTag24;
    pendingTag24 = false;
    let opened: Frame | undefined;
    switch (major) {
      case 0:
      case 1:
      case 7:
        if (tag24) throw new ScanError('tag 24 must wrap a byte string');
        break;
      case 2:
      case 3:
        if (argument > end - offset) throw new ScanError(`a string declares ${argument} bytes, more than the input holds`);
        if (tag24) {
          if (major !== 2) throw new ScanError('tag 24 must wrap a byte string');
          const inner = scanItem(bytes, offset, offset + argument, depth + 1, limits, counter);
          if (inner !== offset + argument) throw new ScanError('trailing bytes inside an embedded (tag 24) CBOR data item');
        }
        offset += argument;
        break;
      case 4:
      case 5: {
        if (tag24) throw new ScanError('tag 24 must wrap a byte string');
        const count = major === 5 ? argument * 2 : argument;
        if (count > end - offset) throw new ScanError(`${major === 5 ? 'a map' : 'an array'} declares ${argument} entries, more than the input can hold`);
        if (count > 0) opened = { remaining: count, depth: depth + 1 };
        break;
      }
      case 6:
        if (tag24) throw new ScanError('tag 24 must wrap a byte string');
        if (!ALLOWED_CBOR_TAGS.has(argument)) throw new ScanError(`CBOR tag ${argument} is not accepted`);
        pendingTag24 = argument === 24;
        opened = { remaining: 1, depth: depth + 1 };
        break;
      default:
        throw new ScanError(`unknown CBOR major type ${major}`);
    }
    if (opened) {
      stack.push(opened);
      continue;
    }
    // An item is complete: close every container it completes.
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) return offset;
      top.remaining -= 1;
      if (top.remaining > 0) break;
      stack.pop();
    }
  }
}

/** Major type 7 with a 1/2/4/8-byte argument (simple value, half/single/double float). */
function readSimple(bytes: Uint8Array, offset: number, info: number, end: number): [number, number] {
  const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
  if (size === 0) throw new ScanError(`reserved additional information ${info}`);
  if (offset + size > end) throw new ScanError('the CBOR is truncated');
  return [0, offset + size];
}
