import { isIPv6 } from 'node:net';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i;
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

/**
 * The client as the throttle counts it: an IPv4 address, or the /64 network
 * of an IPv6 one, since whoever holds one IPv6 address can use any of the
 * 2^64 beside it and would otherwise start a fresh count with each.
 */
export function throttlingClientKey(address: string): string {
  const mapped = IPV4_MAPPED.exec(address);
  if (mapped) return mapped[1];
  const withoutZone = address.split('%')[0];
  if (!isIPv6(withoutZone)) return address;
  const network = groupsOf(withoutZone.toLowerCase())
    .slice(0, NETWORK_GROUPS)
    .map((group) => group.replace(/^0+(?=.)/, ''));
  return `${network.join(':')}::/64`;
}
