/**
 * IETF Token Status List (draft-ietf-oauth-status-list, § "Compressed Byte
 * Array"): each index names a block of `bits` bits (1, 2, 4 or 8), packed
 * into bytes from the least significant bit ("0") to the most significant
 * ("7"); index 0 is the low bits of byte 0. This is the opposite bit order
 * of the W3C Bitstring Status List (see bitstring-status-list/bitstring.ts).
 */
export type StatusBits = 1 | 2 | 4 | 8;

export const STATUS_BITS: readonly StatusBits[] = [1, 2, 4, 8];

export function isStatusBits(value: unknown): value is StatusBits {
  return STATUS_BITS.includes(value as StatusBits);
}

/** The status at `index`, or undefined when the index lies outside the list. */
export function readTokenStatus(list: Uint8Array, index: number, bits: StatusBits): number | undefined {
  const perByte = 8 / bits;
  if (!Number.isSafeInteger(index) || index < 0 || index >= list.length * perByte) return undefined;
  const byte = list[Math.floor(index / perByte)] as number;
  return (byte >> ((index % perByte) * bits)) & ((1 << bits) - 1);
}

/** Sets the status at `index` (inverse of {@link readTokenStatus}); for issuing lists. */
export function writeTokenStatus(list: Uint8Array, index: number, bits: StatusBits, value: number): void {
  const perByte = 8 / bits;
  if (!Number.isSafeInteger(index) || index < 0 || index >= list.length * perByte) throw new RangeError(`index ${index} is outside the list`);
  if (!Number.isSafeInteger(value) || value < 0 || value >= 1 << bits) throw new RangeError(`status ${value} does not fit in ${bits} bit(s)`);
  const at = Math.floor(index / perByte);
  const shift = (index % perByte) * bits;
  const mask = ((1 << bits) - 1) << shift;
  list[at] = ((list[at] as number) & ~mask) | (value << shift);
}
