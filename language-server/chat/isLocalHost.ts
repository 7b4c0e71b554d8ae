/**
 * Whether a host is this machine or a private network's (loopback, RFC 1918,
 * link-local such as a cloud's metadata address, IPv6 unique-local, single
 * names and .local/.internal names): a model that asks for one, or a public
 * page that redirects to one, may be probing the developer's network rather
 * than serving documentation. A name may end with the DNS root's dot
 * (`localhost.`, `metadata.google.internal.`): it names the same host, and
 * the URL parser keeps that dot, so it is dropped before the name is judged.
 */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (!host.includes('.') && !host.includes(':')) return true;
  if (host === 'localhost' || /\.(localhost|local|internal|lan|home\.arpa)$/.test(host)) return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  return host === '::1' || host === '::' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host) || host.startsWith('::ffff:');
}
