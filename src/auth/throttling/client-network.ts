import { isIPv6 } from 'node:net';

/** Groups of an IPv6 address that name the /64 network, which one subscriber usually gets whole. */
const NETWORK_GROUPS = 4;

function groupsOf(address: string): string[] {
  const [head, tail] = address.split('::');
  const count = (part: string) => (part === '' ? [] : part.split(':'));
  const heads = count(head);
  const tails = tail === undefined ? [] : count(tail);
  // A trailing dotted IPv4 part fills two groups.
  const width = (parts: string[]) => parts.reduce((sum, part) => sum + (part.includes('.') ? 2 : 1), 0);
  const missing = tail === undefined ? 0 : 8 - width(heads) - width(tails);
  return [...heads, ...Array<string>(missing).fill('0'), ...tails];
}

/** IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) addresses carry an IPv4 client in their last 32 bits. */
const IPV4_CARRIERS = ['0:0:0:0:0:ffff', '64:ff9b:0:0:0:0'];

function ipv4Of(high: string, low: string): string {
  const value = parseInt(high, 16) * 0x10000 + parseInt(low, 16);
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * The client as the throttle counts it: an IPv4 address (also when carried
 * in IPv6), or the /64 network of an IPv6 one, since whoever holds one IPv6
 * address can use any of the 2^64 beside it and would otherwise start a fresh
 * count with each.
 */
export function throttlingClientKey(address: string): string {
  const withoutZone = address.split('%')[0];
  if (!isIPv6(withoutZone)) return address;
  const groups = groupsOf(withoutZone.toLowerCase()).map((group) => group.replace(/^0+(?=[0-9a-f])/, ''));
  if (IPV4_CARRIERS.includes(groups.slice(0, 6).join(':'))) {
    const last = groups[groups.length - 1];
    return last.includes('.') ? last : ipv4Of(groups[6], groups[7]);
  }
  return `${groups.slice(0, NETWORK_GROUPS).join(':')}::/64`;
}
