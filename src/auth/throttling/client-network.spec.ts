import { throttlingClientKey } from './client-network';

describe('throttlingClientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:85a3:1:aaaa:bbbb:cccc:dddd', '2001:db8:85a3:1::/64'],
    ['2001:0DB8:85a3:0001::1', '2001:db8:85a3:1::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '192.0.2.33'],
    ['::ffff:c000:221', '192.0.2.33'],
    ['64:ff9b::c000:221', '192.0.2.33'],
    ['64:ff9b:1::c000:221', '64:ff9b:1:0::/64'],
  ])('counts %s as %s', (address, key) => {
    expect(throttlingClientKey(address)).toBe(key);
  });

  it('puts every address of one /64 in one count, and another /64 in another', () => {
    const keys = ['2001:db8:1:2::1', '2001:db8:1:2:ffff::9', '2001:db8:1:2:1:2:3:4'].map(throttlingClientKey);
    expect(new Set(keys).size).toBe(1);
    expect(throttlingClientKey('2001:db8:1:3::1')).not.toBe(keys[0]);
  });
});
