import { describe, expect, it } from '@jest/globals';
import { AUDIT_EVENT_ID_PATTERN, newAuditEventId } from './audit-event-id.js';

describe('newAuditEventId', () => {
  it('encodes the time like the ULID spec (github.com/ulid/spec: 1469918176385 → 01ARYZ6S41)', () => {
    expect(newAuditEventId(1469918176385, new Uint8Array(10))).toBe('01ARYZ6S410000000000000000');
  });

  it('encodes the 80 random bits in 16 Crockford base32 characters', () => {
    expect(newAuditEventId(0, new Uint8Array(10).fill(0xff))).toBe('0000000000ZZZZZZZZZZZZZZZZ');
    // The bytes as one 80-bit big-endian number in base 32 (computed independently with Python's int.from_bytes).
    expect(newAuditEventId(0, Uint8Array.from([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23]))).toBe('000000000004HMASW9NF6YY093');
  });

  it('sorts by time as strings, and fresh ids match the cursor pattern', () => {
    const ids = [0, 1, 31, 32, 1_700_000_000_000, 1_700_000_000_001, 2 ** 48 - 1].map((time) => newAuditEventId(time));
    expect([...ids].sort()).toStrictEqual(ids);
    for (const id of ids) expect(id).toMatch(AUDIT_EVENT_ID_PATTERN);
    expect(newAuditEventId(2 ** 48 - 1, new Uint8Array(10).fill(0xff))).toBe('7ZZZZZZZZZZZZZZZZZZZZZZZZZ');
  });

  it('gives ids of one millisecond different random parts', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newAuditEventId(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });

  it('refuses a time outside 0..2^48-1 and a wrong amount of randomness', () => {
    for (const time of [-1, 1.5, 2 ** 48, Number.NaN]) expect(() => newAuditEventId(time)).toThrow('audit event time out of range');
    expect(() => newAuditEventId(0, new Uint8Array(9))).toThrow('random bytes');
  });
});
