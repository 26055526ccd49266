/**
 * Strict parsing of IP addresses into bytes, for the range checks of
 * address-ranges.ts. Only the canonical textual forms are accepted:
 * dotted-decimal IPv4 (RFC 791; no leading zeros, no octal, hex or single
 * 32-bit numbers) and RFC 4291 §2.2 IPv6, including `::` and an embedded
 * IPv4 tail. Everything else gives `null`, which the caller treats as
 * blocked: the inputs come from the WHATWG URL parser (which rewrites
 * `2130706433`, `0x7f.1` and `017700000001` to `127.0.0.1`) and from the
 * resolver, both canonical; any other spelling reaching this code is a bug or
 * an attack, and fails closed.
 */

/** Four bytes of an IPv4 address, or sixteen of an IPv6 one. */
export type AddressBytes = Uint8Array;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const DECIMAL_OCTET = /^(?:0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** Parses dotted-decimal IPv4 (`127.0.0.1`) into 4 bytes; `null` for any other form. */
export function parseIpv4(text: string): AddressBytes | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const octet = match[i + 1] as string;
    if (!DECIMAL_OCTET.test(octet)) return null; // "010" would be octal to inet_aton
    const value = Number(octet);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

/**
 * Parses an IPv6 address (`::1`, `2001:db8::8a2e:370:7334`, `::ffff:127.0.0.1`)
 * into 16 bytes; `null` for any other form. Brackets and zone ids are not
 * accepted here (the caller strips brackets and refuses zones).
 */
export function parseIpv6(text: string): AddressBytes | null {
  if (text.length === 0 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : (halves[0] as string).split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] as string).split(':')) : [];
  const groups: number[] = [];
  const readGroups = (parts: string[], allowIpv4Tail: boolean): number[] | null => {
    const out: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (!v4) return null;
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
        continue;
      }
      if (!HEX_GROUP.test(part)) return null;
      out.push(parseInt(part, 16));
    }
    return out;
  };
  const compressed = halves.length === 2;
  const first = readGroups(head, !compressed);
  const last = readGroups(tail, true);
  if (!first || !last) return null;
  if (compressed) {
    // "::" stands for at least one group of zeros.
    if (first.length + last.length > 7) return null;
    groups.push(...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last);
  } else {
    if (first.length !== 8) return null;
    groups.push(...first);
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** Whether the first `prefixLength` bits of `address` equal those of `network` (same family). */
export function inPrefix(address: AddressBytes, network: AddressBytes, prefixLength: number): boolean {
  if (address.length !== network.length) return false;
  const fullBytes = prefixLength >> 3;
  for (let i = 0; i < fullBytes; i++) if (address[i] !== network[i]) return false;
  const remainingBits = prefixLength & 7;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return ((address[fullBytes] as number) & mask) === ((network[fullBytes] as number) & mask);
}
