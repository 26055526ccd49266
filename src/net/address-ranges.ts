import { inPrefix, parseIpv4, parseIpv6, type AddressBytes } from './ip-address.js';

/**
 * Which addresses an outbound fetch may not reach (unless the exact host:port
 * is in KPARTY_OUTBOUND_ALLOW): everything that is not public unicast.
 * A did:web host or a status-list URL is chosen by whoever wrote the
 * credential, so without this table a presentation could make kparty probe
 * its own network (SSRF): loopback admin ports, the cloud metadata service,
 * databases on private addresses. See docs/security.md.
 *
 * Sources: IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890),
 * RFC 1918 (private), RFC 6598 (shared/CGNAT), RFC 3927 (link-local),
 * RFC 4193 (unique local), RFC 4291 (IPv6 addressing), RFC 6052 and RFC 8215
 * (NAT64), RFC 3056 (6to4), RFC 4380 (Teredo).
 */
export type BlockedRange =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'metadata'
  | 'protocol-assignments'
  | 'documentation'
  | 'benchmarking'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'unique-local'
  | 'tunnel'
  | 'invalid';

export type AddressVerdict = { blocked: false } | { blocked: true; range: BlockedRange };

const PUBLIC: AddressVerdict = { blocked: false };
const blocked = (range: BlockedRange): AddressVerdict => ({ blocked: true, range });

interface Block {
  network: AddressBytes;
  prefix: number;
  range: BlockedRange;
}

function v4(cidr: string, range: BlockedRange): Block {
  const [address, prefix] = cidr.split('/') as [string, string];
  return { network: parseIpv4(address) as AddressBytes, prefix: Number(prefix), range };
}

function v6(cidr: string, range: BlockedRange): Block {
  const [address, prefix] = cidr.split('/') as [string, string];
  return { network: parseIpv6(address) as AddressBytes, prefix: Number(prefix), range };
}

/**
 * Cloud instance-metadata endpoints, named so logs say what was attempted:
 * AWS/GCP/Azure/OpenStack (169.254.169.254), AWS ECS task metadata
 * (169.254.170.2), AWS DNS (169.254.169.253), Alibaba (100.100.100.200),
 * Oracle (192.0.0.192), AWS IMDS over IPv6 (fd00:ec2::254). Every one of them
 * is inside a blocked range anyway.
 */
const METADATA: Block[] = [
  v4('169.254.169.254/32', 'metadata'),
  v4('169.254.169.253/32', 'metadata'),
  v4('169.254.170.2/32', 'metadata'),
  v4('100.100.100.200/32', 'metadata'),
  v4('192.0.0.192/32', 'metadata'),
  v6('fd00:ec2::254/128', 'metadata'),
];

/** IPv4 blocks, most specific first where they nest (255.255.255.255 inside 240/4). */
const IPV4_BLOCKS: Block[] = [
  v4('0.0.0.0/8', 'unspecified'), // "this network"; 0.0.0.0 reaches the local host on Linux
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared'), // carrier-grade NAT
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'protocol-assignments'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', 'reserved'), // former 6to4 relay anycast (RFC 7526)
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('255.255.255.255/32', 'broadcast'),
  v4('240.0.0.0/4', 'reserved'),
];

/** IPv6 blocks that carry no IPv4 address (those are handled in classifyIpv6). */
const IPV6_BLOCKS: Block[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('::ffff:0:0:0/96', 'reserved'), // SIIT IPv4-translated
  v6('::/96', 'reserved'), // deprecated IPv4-compatible (RFC 4291 §2.5.5.1)
  v6('64:ff9b:1::/48', 'private'), // local-use NAT64 (RFC 8215)
  v6('100::/64', 'reserved'), // discard-only (RFC 6666)
  v6('2001::/32', 'tunnel'), // Teredo: the client address inside is obfuscated, so it cannot be checked
  v6('2001:db8::/32', 'documentation'),
  v6('2001:10::/28', 'reserved'), // ORCHID
  v6('2001:20::/28', 'reserved'), // ORCHIDv2
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'reserved'), // deprecated site-local
  v6('ff00::/8', 'multicast'),
];

const IPV4_MAPPED = v6('::ffff:0:0/96', 'reserved');
const NAT64 = v6('64:ff9b::/96', 'reserved');
const SIX_TO_FOUR = v6('2002::/16', 'reserved');
/** Global unicast (RFC 4291 §2.4): any IPv6 address outside it is not a public host. */
const GLOBAL_UNICAST = v6('2000::/3', 'reserved');

function firstMatch(address: AddressBytes, blocks: readonly Block[]): Block | undefined {
  return blocks.find((block) => inPrefix(address, block.network, block.prefix));
}

function classifyIpv4(address: AddressBytes): AddressVerdict {
  const match = firstMatch(address, METADATA) ?? firstMatch(address, IPV4_BLOCKS);
  return match ? blocked(match.range) : PUBLIC;
}

/** An IPv4 address carried inside an IPv6 one is judged as that IPv4 address. */
function embeddedIpv4(address: AddressBytes, offset: number): AddressVerdict {
  return classifyIpv4(address.slice(offset, offset + 4));
}

function classifyIpv6(address: AddressBytes): AddressVerdict {
  const metadata = firstMatch(address, METADATA);
  if (metadata) return blocked(metadata.range);
  // ::ffff:a.b.c.d and 64:ff9b::a.b.c.d reach a.b.c.d; 2002:AABB:CCDD::/48 routes to AA.BB.CC.DD.
  if (inPrefix(address, IPV4_MAPPED.network, IPV4_MAPPED.prefix)) return embeddedIpv4(address, 12);
  if (inPrefix(address, NAT64.network, NAT64.prefix)) return embeddedIpv4(address, 12);
  if (inPrefix(address, SIX_TO_FOUR.network, SIX_TO_FOUR.prefix)) return embeddedIpv4(address, 2);
  const match = firstMatch(address, IPV6_BLOCKS);
  if (match) return blocked(match.range);
  return inPrefix(address, GLOBAL_UNICAST.network, GLOBAL_UNICAST.prefix) ? PUBLIC : blocked('reserved');
}

/**
 * Whether an outbound connection to `address` must be refused, and why.
 * Accepts dotted-decimal IPv4 and IPv6 text, with or without brackets; an
 * IPv6 zone id (`fe80::1%eth0`) names a scoped, hence local, address and is
 * refused as `link-local`. Anything unparseable is refused as `invalid`.
 */
export function classifyAddress(address: string): AddressVerdict {
  let text = address;
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.includes('%')) return blocked('link-local');
  const ipv4 = parseIpv4(text);
  if (ipv4) return classifyIpv4(ipv4);
  const ipv6 = text.includes(':') ? parseIpv6(text) : null;
  if (ipv6) return classifyIpv6(ipv6);
  return blocked('invalid');
}
