/**
 * The metrics port answers only to its own address or a configured name, on
 * a real port: a web page that rebinds its DNS name to 127.0.0.1 sends that
 * name in Host and gets nothing, while Prometheus scraping a pod (Host = the
 * pod's IP and port), a tunnel (localhost) and a Service named in
 * metrics.hosts still read /metrics.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { startMetricsServer } from '../../agent-host/server/ops/metricsServer';

/** A GET with the Host header as given (fetch would not let a test choose it). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics port Host check', () => {
  it('refuses a rebound DNS name and serves its own addresses, localhost and the names in metrics.hosts', async () => {
    const registry = new Registry();
    new Counter({ name: 'hearth_test_requests_total', help: 'a figure a page must not read', registers: [registry] }).inc(7);
    const server = await startMetricsServer(registry, '127.0.0.1', 0, undefined, ['hearth-agent-host', ' Metrics.Example.Test ']);
    try {
      const rebound = await getWithHost(server.port, '/metrics', `rebind.attacker.example:${server.port}`);
      assert.equal(rebound.status, 421);
      assert.match(rebound.body, /answers only to this server's address \(an IP address or localhost\) or a name in metrics\.hosts, not "rebind\.attacker\.example:\d+"/);
      assert.doesNotMatch(rebound.body, /hearth_test_requests_total/);
      for (const host of ['127.0.0.1.attacker.example', 'localhost.attacker.example:80']) {
        assert.equal((await getWithHost(server.port, '/metrics', host)).status, 421, JSON.stringify(host));
      }
      for (const host of [`127.0.0.1:${server.port}`, `10.244.1.17:${server.port}`, `[::1]:${server.port}`, `localhost:${server.port}`, `hearth-agent-host:${server.port}`, 'METRICS.example.test']) {
        const answer = await getWithHost(server.port, '/metrics', host);
        assert.equal(answer.status, 200, host);
        assert.match(answer.body, /hearth_test_requests_total 7/, host);
      }
    } finally {
      await server.close();
    }
  });
});
