import { describe, expect, it } from '@jest/globals';
import { classifyAddress, type BlockedRange } from './address-ranges.js';
import { inPrefix, parseIpv4, parseIpv6 } from './ip-address.js';

describe('classifyAddress refuses every address that is not public unicast', () => {
  it.each<[string, BlockedRange]>([
    // IPv4: "this network", loopback, RFC 1918, CGNAT, link-local and metadata
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['192.168.255.255', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['192.0.0.192', 'metadata'],
    ['192.0.0.1', 'protocol-assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.88.99.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'reserved'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['100::1', 'reserved'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'tunnel'],
    ['2001:10::1', 'reserved'],
    ['64:ff9b:1::1', 'private'],
    ['::ffff:0:7f00:1', 'reserved'],
    ['::7f00:1', 'reserved'],
    ['::127.0.0.1', 'reserved'],
    ['4000::1', 'reserved'],
    ['1::1', 'reserved'],
    // IPv4 inside IPv6 is judged as the IPv4 address it reaches
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::FFFF:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c0a8:101::', 'private'],
    ['2002:a9fe:a9fe:1:2:3:4:5', 'metadata'],
  ])('%s → %s', (address, range) => {
    expect(classifyAddress(address)).toEqual({ blocked: true, range });
  });
});

describe('classifyAddress lets public unicast through', () => {
  it.each([
    ['1.1.1.1'],
    ['8.8.8.8'],
    ['93.184.216.34'],
    ['9.255.255.255'], // just below 10/8
    ['11.0.0.0'], // just above 10/8
    ['100.63.255.255'], // just below CGNAT
    ['100.128.0.0'], // just above CGNAT
    ['126.255.255.255'],
    ['128.0.0.0'],
    ['169.253.255.255'],
    ['169.255.0.0'],
    ['172.15.255.255'], // just below 172.16/12
    ['172.32.0.0'], // just above it
    ['192.167.255.255'],
    ['192.169.0.0'],
    ['198.17.255.255'],
    ['198.20.0.0'],
    ['223.255.255.255'], // last before multicast
    ['2606:4700:4700::1111'],
    ['2a00:1450:4001:80b::200e'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::808:808'],
    ['2002:808:808::1'],
    ['[2001:4860:4860::8888]'],
  ])('%s', (address) => {
    expect(classifyAddress(address)).toEqual({ blocked: false });
  });
});

describe('classifyAddress fails closed on anything but canonical IP text', () => {
  it.each([
    // inet_aton spellings of 127.0.0.1: getaddrinfo would accept them, this code does not
    ['2130706433'],
    ['0x7f.1'],
    ['0x7f000001'],
    ['017700000001'],
    ['0177.0.0.1'],
    ['127.1'],
    ['127.0.0.01'],
    ['127.0.0.1.'],
    [' 127.0.0.1'],
    ['256.0.0.1'],
    ['1.2.3.4.5'],
    ['localhost'],
    ['example.com'],
    [''],
    ['::1::'],
    [':::1'],
    ['1:2:3:4:5:6:7:8:9'],
    ['1:2:3:4:5:6:7'],
    ['12345::1'],
    ['g::1'],
    ['::ffff:127.0.0.256'],
    ['::ffff:127.1'],
    ['1.2.3.4::'],
    ['[::1'],
  ])('%j → invalid', (address) => {
    expect(classifyAddress(address)).toEqual({ blocked: true, range: 'invalid' });
  });
});

describe('IP parsing and prefixes', () => {
  it('parses IPv6 with compression and an IPv4 tail to the same bytes as the long form', () => {
    expect(parseIpv6('::ffff:127.0.0.1')).toEqual(parseIpv6('0:0:0:0:0:ffff:7f00:1'));
    expect(parseIpv6('2001:db8::1')).toEqual(Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]));
    expect(parseIpv6('1:2:3:4:5:6:7::')).toEqual(parseIpv6('1:2:3:4:5:6:7:0'));
  });

  it('matches prefixes that end inside a byte', () => {
    const network = parseIpv4('172.16.0.0') as Uint8Array;
    expect(inPrefix(parseIpv4('172.31.255.255') as Uint8Array, network, 12)).toBe(true);
    expect(inPrefix(parseIpv4('172.32.0.0') as Uint8Array, network, 12)).toBe(false);
    expect(inPrefix(parseIpv4('172.15.255.255') as Uint8Array, network, 12)).toBe(false);
    expect(inPrefix(parseIpv4('1.2.3.4') as Uint8Array, parseIpv6('::') as Uint8Array, 0)).toBe(false); // families never match
  });
});
