import ipaddr from 'ipaddr.js';

/** NAT64's well-known prefix (RFC 6052): 64:ff9b::/96 carries an IPv4 client in its last 32 bits, as IPv4-mapped addresses do. */
const NAT64_PREFIX = ipaddr.IPv6.parse('64:ff9b::');
const NAT64_PREFIX_LENGTH = 96;
/** Groups of an IPv6 address that name the /64 network, which one subscriber usually gets whole. */
const NETWORK_GROUPS = 4;

/**
 * The client as the throttle counts it: an IPv4 address (also when carried
 * in IPv6), or the /64 network of an IPv6 one, since whoever holds one IPv6
 * address can use any of the 2^64 beside it and would otherwise start a fresh
 * count with each.
 */
export function throttlingClientKey(address: string): string {
  if (!ipaddr.IPv6.isValid(address)) return address;
  const ipv6 = ipaddr.IPv6.parse(address);
  if (ipv6.isIPv4MappedAddress() || ipv6.match(NAT64_PREFIX, NAT64_PREFIX_LENGTH)) {
    return ipaddr.fromByteArray(ipv6.toByteArray().slice(-4)).toString();
  }
  return `${ipv6.parts
    .slice(0, NETWORK_GROUPS)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}
