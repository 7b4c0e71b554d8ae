import { isIPv4, isIPv6 } from 'node:net';

/**
 * Where an IP address leads: this computer (`loopback`, which includes the
 * unspecified 0.0.0.0 and ::, since connecting to them reaches this
 * computer), a private network (`private`: RFC 1918, carrier-grade NAT as
 * used by VPNs, link-local including a cloud's metadata service at
 * 169.254.169.254, IPv6 unique-local and link-local, multicast), or the
 * public internet.
 */
export type AddressKind = 'loopback' | 'private' | 'public';

/** The kind of `address` (an IPv4 or IPv6 literal, brackets allowed); anything else is `public`. */
export function addressKind(address: string): AddressKind {
  const host = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIPv4(host)) return ipv4Kind(host.split('.').map(Number));
  if (!isIPv6(host)) return 'public';
  const groups = ipv6Groups(host.replace(/%.*$/, ''));
  const [g0] = groups;
  if (groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || groups[5] === 0)) {
    // IPv4-mapped (::ffff:a.b.c.d) and the old IPv4-compatible (::a.b.c.d) forms reach the IPv4 address they carry;
    // :: and ::1 fall here too (0.0.0.0 and 0.0.0.1, both this computer).
    if (groups[5] === 0 && groups[6] === 0 && groups[7] <= 1) return 'loopback';
    return ipv4Kind([groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff]);
  }
  if ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0 || (g0 & 0xff00) === 0xff00) return 'private';
  return 'public';
}

function ipv4Kind([a, b]: number[]): AddressKind {
  if (a === 127 || a === 0) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127) || a >= 224) return 'private';
  return 'public';
}

/** The eight 16-bit groups of a valid IPv6 literal (`::` expanded, a trailing dotted IPv4 part converted). */
function ipv6Groups(host: string): number[] {
  let text = host;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined): number[] => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  return tail === undefined ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}
