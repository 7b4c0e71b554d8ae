import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The names of a comma-separated setting (admin.hosts, metrics.hosts), lower-cased, blanks dropped. */
export function hostNames(list: string | readonly string[]): ReadonlySet<string> {
  const items = typeof list === 'string' ? list.split(',') : list;
  return new Set(items.map((h) => h.trim().toLowerCase()).filter((h) => h !== ''));
}

/**
 * Whether the request names this server by an address (an IP literal, as
 * Prometheus scraping a pod and Kubernetes' probes do, or localhost, as an
 * SSH tunnel or `kubectl port-forward` does) or by one of `names` (a TLS
 * proxy's or a Service's name, configured). A web page that rebinds its own
 * DNS name to 127.0.0.1 still sends that name in Host, so the developer's own
 * browser cannot be made to read or drive the metrics port for it.
 */
export function hostHeaderAllowed(req: IncomingMessage, names: ReadonlySet<string>): boolean {
  const host = String(req.headers.host ?? '').toLowerCase();
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || isIP(name) !== 0 || names.has(name);
}
