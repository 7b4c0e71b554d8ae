import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * The admin page's view of who is asking: the address its sign-in throttle
 * counts failures against. Behind a TLS proxy every request comes from the
 * proxy, so five wrong keys from anyone would lock the admin out too; for a
 * proxy named in admin.trusted_proxies the client is the address the proxy
 * put in X-Forwarded-For. Only trusted proxies are believed: anyone else
 * could otherwise send a fresh made-up address with each guess and never be
 * blocked.
 */
export interface TrustedProxies {
  has(address: string): boolean;
}

/** An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d; rules are written as a.b.c.d. */
function plain(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/**
 * Parses admin.trusted_proxies: addresses and CIDR ranges, comma-separated
 * (`10.0.0.0/8, 127.0.0.1, fd00::/8`). Throws with the entry at fault.
 */
export function parseTrustedProxies(text: string): TrustedProxies {
  const list = new BlockList();
  let any = false;
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (bits !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= max && /^\d+$/.test(prefix)))) {
      throw new Error(`"${entry.slice(0, 60)}" is not an IP address or a CIDR range such as 10.0.0.0/8`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
    any = true;
  }
  return {
    has: (candidate) => {
      if (!any) return false;
      const address = plain(candidate);
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted
 * proxy, the rightmost X-Forwarded-For entry that is not itself a trusted
 * proxy. An entry that is not an address ends the walk at the last trusted
 * hop, since nothing to its left can be believed.
 */
export function clientAddress(req: IncomingMessage, trusted: TrustedProxies): string {
  const header = req.headers['x-forwarded-for'];
  return forwardedClient(req.socket.remoteAddress ?? 'unknown', Array.isArray(header) ? header : header === undefined ? [] : [header], trusted);
}

/**
 * The walk behind clientAddress, for any transport: `peer` is the connecting
 * address (without a port), `forwardedFor` every X-Forwarded-For value in the
 * order received (the gRPC server reads them from the call's metadata). Only a
 * trusted peer's header is read, and only from its right end, which the proxy
 * itself wrote: entries to the left of it are whatever the client sent.
 */
export function forwardedClient(peer: string, forwardedFor: readonly string[], trusted: TrustedProxies): string {
  let address = plain(peer);
  if (!trusted.has(address)) return address;
  const hops = forwardedFor.join(',').split(',').map((h) => plain(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (isIP(hop) === 0) return address;
    address = hop;
    if (!trusted.has(hop)) return hop;
  }
  return address;
}
