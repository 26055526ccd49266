import { cborDecode, cborEncode, DataItem } from '@owf/mdoc';
import { scanCbor, type CborLimits } from './cbor-scan.js';

/**
 * CBOR decoding for mdoc: always the pre-scan of cbor-scan.ts first, then
 * @owf/mdoc's decoder (cbor-x configured for ISO/IEC 18013-5: maps as Map,
 * tag 24 as a lazily decoded {@link DataItem} that keeps its exact bytes).
 */
export type Decoded = { ok: true; value: unknown } | { ok: false; detail: string };

export function decodeCbor(bytes: Uint8Array, limits: CborLimits): Decoded {
  const scan = scanCbor(bytes, limits);
  if (!scan.ok) return scan;
  try {
    return { ok: true, value: cborDecode(bytes, { unwrapTopLevelDataItem: false }) };
  } catch (error) {
    return { ok: false, detail: `not valid CBOR: ${error instanceof Error ? error.message.split('\n')[0] : 'decoder error'}` };
  }
}

/**
 * The contents of a tag-24 item (an embedded CBOR data item), decoded after
 * its own bytes passed the pre-scan (they were scanned as part of the outer
 * item, but are scanned again here so this never depends on where they came from).
 */
export function decodeDataItem(item: DataItem, limits: CborLimits): Decoded {
  return decodeCbor(item.buffer, limits);
}

export { cborEncode, DataItem };

/**
 * `#6.24(bstr)` around exact bytes: the encoding an IssuerSignedItemBytes,
 * MobileSecurityObjectBytes or DeviceAuthenticationBytes digest or signature
 * is computed over (ISO/IEC 18013-5 §9.1.2.5, §9.1.3.4). The inner bytes are
 * the ones presented; the byte-string header is written in preferred
 * (shortest) form, which is the only form ISO/IEC 18013-5 §8.1 allows.
 */
export function tag24Bytes(inner: Uint8Array): Uint8Array {
  const length = inner.length;
  const header: number[] = [0xd8, 0x18];
  if (length < 24) header.push(0x40 | length);
  else if (length < 0x100) header.push(0x58, length);
  else if (length < 0x10000) header.push(0x59, length >> 8, length & 0xff);
  else header.push(0x5a, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  out.set(inner, header.length);
  return out;
}

export function isMap(value: unknown): value is Map<unknown, unknown> {
  return value instanceof Map;
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}
