/**
 * The sign-in of an MCP server kept away from this computer and the private
 * network by ADDRESS, not only by host name: a name that resolves to
 * 127.0.0.1, to an IPv4-mapped IPv6 form of it, or to a cloud's metadata
 * address is refused when the connection is made, against a real listening
 * port that must never see a connection. Names resolve through a table (the
 * resolver seam of oauthFetchGuard); the rule and the sockets are Hearth's own.
 */
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer as createHttpServer } from 'node:http';
import { createServer, isIP, type AddressInfo, type Socket } from 'node:net';
import { oauthFetchGuard } from '../../agent-host/mcp/oauthFetchGuard';
import { addressProblem, serverAddressKind } from '../../agent-host/mcp/signInDispatcher';
import { addressKind } from '../../agent-host/mcp/addressKind';

function namesResolvingTo(table: Record<string, string>): (hostname: string) => Promise<LookupAddress[]> {
  return async (hostname) => {
    const address = table[hostname];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: isIP(address) }];
  };
}

describe('MCP sign-in by address', () => {
  it('refuses names that resolve to this computer or the private network for a server on the public internet, before any connection', async () => {
    const connections: Socket[] = [];
    const listener = createServer((socket) => {
      connections.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as AddressInfo).port;
    const resolve = namesResolvingTo({
      'mcp.example.test': '203.0.113.7',
      'auth.example.test': '127.0.0.1',
      'mapped.example.test': '::ffff:127.0.0.1',
      'metadata.example.test': '169.254.169.254',
      'intranet.example.test': '10.1.2.3',
    });
    try {
      const guarded = oauthFetchGuard(new URL('https://mcp.example.test/mcp'), [], fetch, 2_000, resolve);
      await assert.rejects(
        guarded(`https://auth.example.test:${port}/token`, { method: 'POST', body: 'grant_type=authorization_code' }),
        new RegExp(`^Error: Hearth refuses to use https://auth\\.example\\.test:${port} for sign-in: auth\\.example\\.test resolves to 127\\.0\\.0\\.1, an address on this computer`),
      );
      await assert.rejects(guarded(`https://mapped.example.test:${port}/.well-known/oauth-authorization-server`), /mapped\.example\.test resolves to ::ffff:127\.0\.0\.1, an address on this computer/);
      await assert.rejects(guarded('https://metadata.example.test/latest/meta-data/'), /metadata\.example\.test resolves to 169\.254\.169\.254, an address on a private network \(or a cloud's metadata service\), and the MCP server is on the public internet/);
      await assert.rejects(guarded('https://intranet.example.test/register', { method: 'POST' }), /intranet\.example\.test resolves to 10\.1\.2\.3/);
      // An address literal is never looked up, and is checked all the same.
      await assert.rejects(guarded('https://169.254.169.254/latest/meta-data/'), /169\.254\.169\.254 is an address on a private network/);
      await assert.rejects(guarded(`https://[::ffff:7f00:1]:${port}/token`, { method: 'POST' }), /refuses to use .* for sign-in: .* an address on this computer/);
      assert.equal(connections.length, 0, 'nothing connected to the port on this computer');
    } finally {
      await new Promise((r) => listener.close(r));
    }
  });

  it('refuses this computer for a server on the private network, and keeps a server on this computer working through the same resolver', async () => {
    const seen: string[] = [];
    const http = createHttpServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"access_token":"t","token_type":"Bearer"}');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    const resolve = namesResolvingTo({ 'mcp.lan.test': '192.168.1.20', 'auth.lan.test': '127.0.0.1', localhost: '127.0.0.1' });
    try {
      const lan = oauthFetchGuard(new URL('https://mcp.lan.test/mcp'), [], fetch, 2_000, resolve);
      await assert.rejects(lan(`https://auth.lan.test:${port}/token`, { method: 'POST' }), /auth\.lan\.test resolves to 127\.0\.0\.1, an address on this computer, and only an MCP server on this computer may send its sign-in to this computer/);
      const local = oauthFetchGuard(new URL(`http://127.0.0.1:${port}/mcp`), [], fetch, 2_000, resolve);
      const res = await local(`http://localhost:${port}/token`, { method: 'POST', body: 'grant_type=refresh_token' });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /access_token/);
      assert.deepEqual(seen, ['POST /token'], 'only the local server\'s sign-in reached this computer');
    } finally {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    }
  });

  it('never takes a server for one on this computer because of what its name resolves to', async () => {
    const resolve = async (hostname: string): Promise<LookupAddress[]> =>
      hostname === 'both.example.test'
        ? [{ address: '203.0.113.7', family: 4 }, { address: '127.0.0.1', family: 4 }]
        : hostname === 'rebound.example.test'
          ? [{ address: '127.0.0.1', family: 4 }]
          : [{ address: '127.0.0.1', family: 4 }];
    assert.equal(await serverAddressKind(new URL('https://both.example.test/mcp'), resolve), 'public', 'a public address beside 127.0.0.1');
    assert.equal(await serverAddressKind(new URL('https://rebound.example.test/mcp'), resolve), 'private', 'a name that answers 127.0.0.1 just when asked');
    assert.equal(await serverAddressKind(new URL('http://localhost:3000/mcp'), resolve), 'loopback');
    assert.equal(await serverAddressKind(new URL('http://[::1]:3000/mcp'), resolve), 'loopback');
    assert.equal(await serverAddressKind(new URL('https://unresolvable.example.test/mcp'), () => Promise.reject(new Error('ENOTFOUND'))), 'public');
    const guarded = oauthFetchGuard(new URL('https://both.example.test/mcp'), [], fetch, 2_000, resolve);
    await assert.rejects(guarded('https://rebound.example.test:8443/token', { method: 'POST' }), /rebound\.example\.test resolves to 127\.0\.0\.1, an address on this computer/);
  });

  it('lets a server on the private network sign in there, and a public one only on the public internet', () => {
    assert.equal(addressProblem(addressKind('10.0.0.9'), addressKind('192.168.1.20')), undefined);
    assert.equal(addressProblem(addressKind('203.0.113.9'), addressKind('203.0.113.7')), undefined);
    assert.equal(addressProblem(addressKind('8.8.8.8'), addressKind('10.0.0.9')), undefined);
    for (const target of ['127.0.0.1', '::1', '0.0.0.0', '::', '::ffff:127.0.0.1', '::ffff:7f00:1', '10.0.0.1', '172.16.5.4', '192.168.0.1', '169.254.169.254', 'fd00::1', 'fe80::1', '::ffff:a9fe:a9fe']) {
      assert.ok(addressProblem(addressKind(target), 'public'), target);
    }
    assert.equal(addressKind('172.32.0.1'), 'public');
  });
});
