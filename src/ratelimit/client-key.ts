import { isIPv4, isIPv6 } from 'node:net';

/**
 * The rate-limit key of a client address. IPv4 (and IPv4-mapped IPv6) by
 * address; IPv6 by its /64 prefix, the block one subscriber or host usually
 * holds — otherwise one host could rotate through 2^64 addresses, each with a
 * fresh budget.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] && isIPv4(mapped[1])) return `ip:${mapped[1]}`;
  if (isIPv4(address)) return `ip:${address}`;
  if (isIPv6(address)) return `ip6:${ipv6Prefix64(address)}`;
  // Not an IP address (a Unix socket, a test transport): one budget for all such clients.
  return 'ip:unknown';
}

/** The first four 16-bit groups of an IPv6 address, expanded, lower case: `2001:db8:0:0`. */
function ipv6Prefix64(address: string): string {
  const withoutZone = address.split('%')[0] ?? address;
  const [head = '', tail] = withoutZone.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::ffff:… handled above, others rare) counts as two groups; it is past the prefix anyway.
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tailGroups];
  return groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':');
}
