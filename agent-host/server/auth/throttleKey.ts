import { isIP } from 'node:net';

/**
 * The key a sign-in throttle counts a client's failures under. An IPv4
 * address is its own key. An IPv6 address is keyed by its /64: that is what
 * one subscriber, one cloud instance or one LAN is given, so counting each
 * address alone would give an attacker 2^64 fresh budgets. An IPv4 client
 * seen through a dual-stack socket (::ffff:a.b.c.d) is keyed as a.b.c.d, so
 * the two spellings of one address share one budget. Anything else (a Unix
 * socket's peer, "unknown") is used as it is.
 */
export function throttleKey(address: string): string {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1];
  if (isIP(bare) !== 6) return bare;
  const groups = expandIpv6(bare);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as lower-case hex without leading zeros (a trailing dotted IPv4 part becomes two groups). */
function expandIpv6(address: string): string[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}
