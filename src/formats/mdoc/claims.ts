import { DateOnly } from '@owf/mdoc';
import { isBytes, isMap } from './cbor.js';

/**
 * An element value as JSON for results and DCQL matching: `full-date`
 * (tag 1004 / RFC 8943) → "YYYY-MM-DD"; `tdate` (tag 0) → an ISO 8601
 * date-time; byte strings (portraits, signatures) → base64url; maps with text
 * keys → objects; other CBOR tags → null (kparty does not guess their meaning).
 */
export function renderElementValue(value: unknown, depth = 0): unknown {
  if (depth > 16) return null;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  // A tag-1004 / tag-0 value that is not a date decodes to an Invalid Date: shown as null, never thrown.
  if (value instanceof DateOnly) {
    try {
      return value.toISOString();
    } catch {
      return null;
    }
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().replace('.000Z', 'Z');
  if (isBytes(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64url');
  if (Array.isArray(value)) return value.map((inner) => renderElementValue(inner, depth + 1));
  if (isMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of value) {
      if ((typeof key === 'string' || typeof key === 'number') && key !== '__proto__') out[String(key)] = renderElementValue(inner, depth + 1);
    }
    return out;
  }
  return null;
}
