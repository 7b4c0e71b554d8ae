/** Serves /metrics (Prometheus text format) on its own HTTP port, apart from gRPC, and the admin page's routes when given. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { hostHeaderAllowed, hostNames } from './hostHeaderAllowed';

export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
  /** Answers the requests it recognises (true); the rest are served here. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean,
  /** Names /metrics answers to besides IP addresses and localhost (metrics.hosts). */
  hosts: readonly string[] = [],
): Promise<{ port: number; close(): Promise<void> }> {
  const names = hostNames(hosts);
  const server: Server = createServer((req, res) => {
    // The admin routes check Host themselves, against admin.hosts.
    if (extraRoutes?.(req, res)) return;
    if (!hostHeaderAllowed(req, names)) {
      // A page that rebound its DNS name to this port (the metrics port on 127.0.0.1, open to the developer's browser)
      // would otherwise read the team's models, users' request counts and the server's load from it.
      res.writeHead(421, { 'Content-Type': 'text/plain' });
      res.end(`This port answers only to this server's address (an IP address or localhost) or a name in metrics.hosts, not ${JSON.stringify(String(req.headers.host ?? '').slice(0, 100))}.\n`);
      return;
    }
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (req.method === 'GET' && path === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`metrics failed: ${err.message}`);
        },
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Hearth team server metrics are at /metrics.\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
