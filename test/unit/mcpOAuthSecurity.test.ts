/**
 * The security rules of Hearth's MCP OAuth client that need no browser:
 * authorization metadata and endpoints only over https (loopback excepted),
 * the user's configured headers kept from other origins, and an
 * authorization URL checked (https, PKCE S256, Hearth's state) before the
 * user is asked to open it.
 */
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { McpManager } from '../../agent-host/mcp/mcpManager';
import { McpOAuthProvider } from '../../agent-host/mcp/mcpOAuthProvider';
import type { McpOAuthHost, McpServerStatus } from '../../agent-host/mcp/mcpTypes';
import { oauthFetchGuard } from '../../agent-host/mcp/oauthFetchGuard';
import { deleteMcpOAuthState, readMcpOAuthState, storeMcpOAuthState } from '../../extension/mcp/mcpOAuthSecrets';
import type { AuthorizationServerFixture } from '../fixtures/oauthAuthorizationServer';
import { startProtectedMcpServer } from '../fixtures/oauthProtectedMcpServer';
import { until } from '../fixtures/until';

function recordingFetch(): { fetch: typeof fetch; calls: { url: string; headers: Headers }[] } {
  const calls: { url: string; headers: Headers }[] = [];
  return {
    calls,
    fetch: async (input, init) => {
      calls.push({ url: String(input), headers: new Headers(init?.headers) });
      return new Response('{}', { status: 200 });
    },
  };
}

function fakeHost(): McpOAuthHost & { asked: number; saved: string[] } {
  const host = {
    asked: 0,
    saved: [] as string[],
    load: async () => undefined,
    save: async (url: string) => void host.saved.push(url),
    remove: async () => undefined,
    askSignIn: async () => {
      host.asked++;
      return false;
    },
  };
  return host;
}

describe('MCP OAuth security rules', () => {
  it('refuses plain-http authorization endpoints except on loopback, and lets the MCP server itself through', async () => {
    const base = recordingFetch();
    const guarded = oauthFetchGuard(new URL('http://mcp.example.test/mcp'), [], base.fetch);
    await assert.rejects(guarded('http://auth.example.test/.well-known/oauth-authorization-server'), /refuses to use http:\/\/auth\.example\.test for sign-in: .* must use https/);
    await assert.rejects(guarded('http://mcp.example.test/.well-known/oauth-protected-resource/mcp'), /must use https/);
    await guarded('https://auth.example.test/token', { method: 'POST' });
    await guarded('http://mcp.example.test/mcp', { method: 'POST' });
    // A server on this computer may use an authorization server on this computer (local development, tests).
    const local = oauthFetchGuard(new URL('http://127.0.0.1:9000/mcp'), [], base.fetch);
    await local('http://127.0.0.1:8080/token', { method: 'POST' });
    await local('http://localhost:8080/register', { method: 'POST' });
    assert.deepEqual(
      base.calls.map((c) => c.url),
      ['https://auth.example.test/token', 'http://mcp.example.test/mcp', 'http://127.0.0.1:8080/token', 'http://localhost:8080/register'],
    );
  });

  it('keeps the sign-in of a server on another machine away from this computer\'s loopback services, in fetches and in the browser', async () => {
    const base = recordingFetch();
    for (const server of ['https://mcp.example.test/mcp', 'http://mcp.example.test/mcp']) {
      const guarded = oauthFetchGuard(new URL(server), [], base.fetch);
      for (const target of ['http://127.0.0.1:11434/.well-known/oauth-authorization-server', 'https://localhost/token', 'http://[::1]:8080/register', 'http://127.8.0.1/x?y=1']) {
        await assert.rejects(guarded(target, { method: target.includes('token') ? 'POST' : 'GET' }), /refuses to use .* for sign-in: the MCP server is on another machine/, target);
      }
    }
    assert.deepEqual(base.calls, [], 'nothing reached a loopback address');
    const provider = new McpOAuthProvider('docs', 'https://mcp.example.test/mcp', 'https://mcp.example.test/mcp', fakeHost(), () => undefined);
    const state = provider.state();
    const local = new URL(`http://127.0.0.1:8080/admin/authorize?${new URLSearchParams({ code_challenge: 'abc', code_challenge_method: 'S256', state })}`);
    assert.throws(() => provider.redirectToAuthorization(local), /the MCP server is on another machine/);
    assert.equal(provider.needsSignIn, false, 'the user is never asked to open a loopback page for a server elsewhere');
  });

  it('sends no request to this computer when a server on another machine names a loopback metadata URL in its 401', async () => {
    // A server on another machine: this machine's own non-loopback address stands in for one.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    assert.ok(external, 'this test needs a network interface with a non-loopback IPv4 address to stand in for another machine');
    const victim = { requests: [] as string[] };
    const local = createServer((req, res) => {
      victim.requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ resource: remoteUrl, authorization_servers: [localOrigin] }));
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const localOrigin = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    const remote = createServer((req, res) => {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': `Bearer resource_metadata="${localOrigin}/api/shutdown?now=1"` }).end();
    });
    await new Promise<void>((resolve) => remote.listen(0, external, resolve));
    const remoteUrl = `http://${external}:${(remote.address() as AddressInfo).port}/mcp`;
    const host = fakeHost();
    const manager = new McpManager({ log: () => undefined, oauth: host, restartDelayMs: 10, maxConsecutiveFailures: 2 });
    try {
      await manager.configure([{ name: 'remote', config: { type: 'http', url: remoteUrl } }]);
      await until(() => manager.status('remote')?.state === 'failed', 'the server to fail', 10_000);
      assert.deepEqual(victim.requests, [], 'the remote server made Hearth send requests to a loopback service');
      assert.equal(host.asked, 0);
    } finally {
      await manager.dispose();
      remote.closeAllConnections();
      local.closeAllConnections();
      await new Promise((r) => remote.close(r));
      await new Promise((r) => local.close(r));
    }
  });

  it('lets the HTTP+SSE transport POST its JSON-RPC messages within a plain-http server\'s origin, and nothing else there', async () => {
    const base = recordingFetch();
    const guarded = oauthFetchGuard(new URL('http://mcp.example.test/sse'), [], base.fetch);
    const message = JSON.stringify({ method: 'tools/list', jsonrpc: '2.0', id: 1 });
    await guarded(new URL('http://mcp.example.test/messages?sessionId=abc'), { method: 'POST', body: message });
    await assert.rejects(guarded('http://mcp.example.test/token', { method: 'POST', body: 'grant_type=authorization_code&code=x' }), /must use https/);
    await assert.rejects(guarded('http://mcp.example.test/register', { method: 'POST', body: '{"client_name":"Hearth"}' }), /must use https/);
    await assert.rejects(guarded('http://other.example.test/messages', { method: 'POST', body: message }), /must use https/);
    assert.deepEqual(base.calls.map((c) => c.url), ['http://mcp.example.test/messages?sessionId=abc']);
  });

  it('keeps the headers configured for the server from every other origin', async () => {
    const base = recordingFetch();
    const guarded = oauthFetchGuard(new URL('https://mcp.example.test/mcp'), ['X-Api-Key'], base.fetch);
    const init = { headers: { 'x-api-key': 'secret-for-mcp', accept: 'application/json' } };
    await guarded('https://mcp.example.test/.well-known/oauth-protected-resource/mcp', init);
    await guarded('https://auth.example.test/.well-known/oauth-authorization-server', init);
    assert.equal(base.calls[0].headers.get('x-api-key'), 'secret-for-mcp');
    assert.equal(base.calls[1].headers.get('x-api-key'), null);
    assert.equal(base.calls[1].headers.get('accept'), 'application/json');
  });

  it('checks an authorization URL (https, PKCE S256, Hearth\'s state, its authorization server\'s origin) before anyone is asked to open it', async () => {
    const provider = new McpOAuthProvider('docs', 'https://mcp.example.test/mcp', 'https://mcp.example.test/mcp', fakeHost(), () => undefined);
    const state = provider.state();
    const url = (base: string, params: Record<string, string>) => new URL(`${base}?${new URLSearchParams(params)}`);
    const good = { code_challenge: 'abc', code_challenge_method: 'S256', state };
    assert.throws(() => provider.redirectToAuthorization(url('http://auth.example.test/authorize', good)), /does not use https/);
    assert.throws(() => provider.redirectToAuthorization(url('https://auth.example.test/authorize', { ...good, code_challenge_method: 'plain' })), /PKCE S256/);
    assert.throws(() => provider.redirectToAuthorization(url('https://auth.example.test/authorize', { ...good, state: 'other' })), /state/);
    assert.equal(provider.needsSignIn, false);
    // A sign-in page on another origin than the authorization server whose metadata named it is refused (a mix-up).
    provider.saveDiscoveryState({ authorizationServerUrl: 'https://auth.example.test/' });
    assert.throws(() => provider.redirectToAuthorization(url('https://login.example.test/authorize', good)), /is not on the authorization server https:\/\/auth\.example\.test/);
    provider.redirectToAuthorization(url('https://auth.example.test/authorize', good));
    assert.equal(provider.needsSignIn, true);
    assert.equal(provider.authorizationServer, 'https://auth.example.test');
  });

  it('fails a server whose resource metadata names a plain-http authorization server, without asking the user or restarting', async () => {
    const insecure = { issuer: 'http://auth.example.test', introspect: () => undefined } as unknown as AuthorizationServerFixture;
    const mcp = await startProtectedMcpServer(insecure);
    const host = fakeHost();
    const statuses: McpServerStatus[] = [];
    const manager = new McpManager({ log: () => undefined, onStatusChange: (s) => statuses.push(s), oauth: host, restartDelayMs: 10 });
    try {
      await manager.configure([{ name: 'secure', config: { type: 'http', url: mcp.url } }]);
      await until(() => manager.status('secure')?.state === 'failed', 'the server to fail', 10_000);
      assert.match(manager.status('secure')?.lastError ?? '', /refuses to use http:\/\/auth\.example\.test for sign-in/);
      assert.equal(host.asked, 0);
      assert.deepEqual(host.saved, []);
      assert.ok(!statuses.some((s) => s.state === 'restarting'), 'an insecure configuration is not retried');
    } finally {
      await manager.dispose();
      await mcp.close();
    }
  });

  it('stops reading a sign-in document past 1 MB and fails the server, instead of buffering an endless metadata answer', async () => {
    let origin = '';
    const open = new Set<ServerResponse>();
    let written = 0;
    const http = createServer((req, res) => {
      req.resume();
      if (!req.url?.startsWith('/.well-known/')) {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"` }).end();
        return;
      }
      // Every metadata document is an endless JSON string, sent as fast as Hearth reads it.
      open.add(res);
      res.on('close', () => open.delete(res));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"resource":"');
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const host = fakeHost();
    const manager = new McpManager({ log: () => undefined, oauth: host, restartDelayMs: 10 });
    try {
      await manager.configure([{ name: 'huge', config: { type: 'http', url: `${origin}/mcp` } }]);
      await until(() => manager.status('huge')?.state === 'failed', 'the server to fail', 10_000);
      assert.match(manager.status('huge')?.lastError ?? '', /sign-in document larger than 1 MB/);
      await until(() => open.size === 0, 'Hearth to stop reading every metadata answer', 5_000);
      assert.ok(written < 16 * 1024 * 1024, `Hearth read ${written} bytes of metadata`);
      assert.equal(host.asked, 0);
    } finally {
      await manager.dispose();
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    }
  });

  it('gives each sign-in request a deadline, for an endpoint that never answers and for one that answers a byte at a time', async () => {
    const open = new Set<ServerResponse>();
    const http = createServer((req, res) => {
      req.resume();
      open.add(res);
      res.on('close', () => open.delete(res));
      if (req.url === '/token') return; // never answers
      // Headers at once, then one byte of the document every 50 ms, for ever.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(' ')), 50);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const guarded = oauthFetchGuard(new URL(`${origin}/mcp`), [], fetch, 400);
      await assert.rejects(guarded(`${origin}/token`, { method: 'POST' }), new RegExp(`${origin} did not finish answering a sign-in request within 0.4 s`));
      const res = await guarded(`${origin}/.well-known/oauth-protected-resource/mcp`);
      assert.equal(res.status, 200);
      await assert.rejects(res.text(), /did not finish answering a sign-in request within 0\.4 s/);
      await until(() => open.size === 0, 'both requests to be closed', 5_000);
      // The caller's own signal still works beside the deadline.
      const caller = new AbortController();
      const cancelled = guarded(`${origin}/token`, { method: 'POST', signal: caller.signal });
      caller.abort();
      await assert.rejects(cancelled, (err: Error) => err.name === 'AbortError');
    } finally {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    }
  });

  it('keeps each server\'s OAuth state in secret storage under a hash of its URL, one server\'s apart from another\'s', async () => {
    const entries = new Map<string, string>();
    const secrets = {
      get: async (key: string) => entries.get(key),
      store: async (key: string, value: string) => void entries.set(key, value),
      delete: async (key: string) => void entries.delete(key),
    } as unknown as Parameters<typeof readMcpOAuthState>[0];
    const a = 'https://a.example.test/mcp?api_key=query-secret';
    const b = 'https://b.example.test/mcp';
    await storeMcpOAuthState(secrets, a, '{"tokens":{"access_token":"for-a"}}');
    assert.deepEqual(await readMcpOAuthState(secrets, b), { value: null });
    assert.deepEqual(await readMcpOAuthState(secrets, a), { value: '{"tokens":{"access_token":"for-a"}}' });
    const [key] = [...entries.keys()];
    assert.match(key, /^hearth\.mcp\.oauth:[0-9a-f]{64}$/, 'the key names no URL (a query may hold a secret)');
    await assert.rejects(storeMcpOAuthState(secrets, 'not a url', '{}'), /serverUrl must be a URL/);
    await assert.rejects(storeMcpOAuthState(secrets, b, 'x'.repeat(64 * 1024 + 1)), /at most/);
    await deleteMcpOAuthState(secrets, a);
    assert.equal(entries.size, 0);
  });
});
