import { describe, expect, it } from '@jest/globals';
import { clientKey } from './client-key.js';

describe('clientKey', () => {
  it.each([
    ['192.0.2.1', 'ip:192.0.2.1'],
    ['::ffff:192.0.2.1', 'ip:192.0.2.1'],
    ['::FFFF:192.0.2.1', 'ip:192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', 'ip6:2001:db8:1:2'],
    ['2001:db8:1:2::7', 'ip6:2001:db8:1:2'],
    ['2001:0DB8:0001:0002:ffff::', 'ip6:2001:db8:1:2'],
    ['2001:db8::1', 'ip6:2001:db8:0:0'],
    ['::1', 'ip6:0:0:0:0'],
    ['fe80::1%eth0', 'ip6:fe80:0:0:0'],
    ['not-an-address', 'ip:unknown'],
    ['', 'ip:unknown'],
  ])('%s → %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('gives every address of one /64 the same key, and neighbouring /64s different keys', () => {
    expect(clientKey('2001:db8:aa:bb:1::1')).toBe(clientKey('2001:db8:aa:bb:ffff:ffff:ffff:ffff'));
    expect(clientKey('2001:db8:aa:bb::1')).not.toBe(clientKey('2001:db8:aa:bc::1'));
  });
});
