/**
 * MCP servers that speak the older HTTP+SSE transport (protocol 2024-11-05),
 * through the real language server: the reference "everything" server run
 * with `sse`, found by the Streamable HTTP probe or chosen with
 * `"transport": "sse"`, its tools listed and called, a crash restarted like a
 * Streamable HTTP server's, the transport that worked remembered across
 * reconnects (and found again when the server switches); and a hostile server
 * whose `endpoint` event points at another origin, refused.
 */
import * as assert from 'node:assert/strict';
import { startCrossOriginSseServer, type CrossOriginSseServer } from '../fixtures/crossOriginSseServer';
import { freePort } from '../fixtures/freePort';
import { startRecordingProxy, type RecordingProxy } from '../fixtures/recordingProxy';
import { killLeftovers, MODEL, startEverythingSseServer, startEverythingStreamableServer, startMcpTestServer, useMcpSuite, type EverythingSseServer, type McpTestServer } from './mcpHarness';

const PROBE_LOG = /answered Streamable HTTP's initialize with HTTP 404; trying the older HTTP\+SSE transport/;

describe('MCP servers over the older HTTP+SSE transport (integration)', function () {
  this.timeout(60_000);
  const suite = useMcpSuite('mcp-sse');
  let everything: EverythingSseServer | undefined;
  let proxy: RecordingProxy | undefined;
  let hostile: CrossOriginSseServer | undefined;

  // Runs after the suite's clean-up, so the language server is stopped before the servers it talks to go away.
  afterEach(async () => {
    if (everything) killLeftovers([everything.pid]);
    everything = undefined;
    await proxy?.close();
    proxy = undefined;
    await hostile?.close();
    hostile = undefined;
  });

  async function start(server: Record<string, unknown>): Promise<McpTestServer> {
    suite.client = await startMcpTestServer({ storagePath: suite.storage, workspace: suite.workspace, settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { everything: server } } } });
    return suite.client;
  }

  async function echo(server: McpTestServer, message: string): Promise<string> {
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.echo', arguments: { message } }] }, { kind: 'text', text: 'It echoed.' });
    const turn = await server.turn(`Echo "${message}"`);
    assert.equal(turn.results.length, 1);
    assert.equal(turn.results[0].isError, false, turn.results[0].content);
    return turn.results[0].content;
  }

  it('without a transport setting, the Streamable HTTP probe gets 404 and Hearth falls back to HTTP+SSE, lists the tools and calls one', async () => {
    everything = await startEverythingSseServer(await freePort());
    const hearth = await start({ type: 'http', url: everything.url });
    const info = await hearth.waitForServer('everything', (s) => s.state === 'running', 'running');
    assert.equal(info.transport, 'http');
    assert.equal(info.httpTransport, 'sse');
    assert.ok(info.tools.some((t) => t.name === 'everything.echo'), JSON.stringify(info.tools.map((t) => t.name)));
    assert.ok(hearth.mcpLogs.some((l) => PROBE_LOG.test(l)), hearth.mcpLogs.join('\n'));
    assert.ok(hearth.mcpLogs.some((l) => /Started \(.*\) over HTTP\+SSE with \d+ tools/.test(l)), hearth.mcpLogs.join('\n'));
    assert.equal(await echo(hearth, 'found by the probe'), 'Echo: found by the probe');
  });

  it('with "transport": "sse" it connects without the probe, and a crashed server is restarted like a Streamable HTTP one', async () => {
    const port = await freePort();
    everything = await startEverythingSseServer(port);
    const hearth = await start({ url: everything.url, transport: 'sse' });
    const info = await hearth.waitForServer('everything', (s) => s.state === 'running', 'running');
    assert.equal(info.httpTransport, 'sse');
    assert.equal(hearth.mcpLogs.some((l) => PROBE_LOG.test(l)), false, 'no Streamable HTTP request was tried');
    assert.equal(await echo(hearth, 'chosen in the settings'), 'Echo: chosen in the settings');

    // The server dies: its event stream ends, its tools disappear at once, and Hearth restarts it with backoff.
    await everything.kill();
    const down = await hearth.waitForServer('everything', (s) => s.state === 'restarting' || s.state === 'failed', 'restarting');
    assert.equal(down.state, 'restarting', down.lastError);
    assert.deepEqual(down.tools, []);
    // Later attempts may fail too (the server is still down), so the reason is read from the log rather than from lastError.
    assert.ok(hearth.mcpLogs.some((l) => /Stopped unexpectedly: its event stream ended/.test(l)), hearth.mcpLogs.join('\n'));

    everything = await startEverythingSseServer(port);
    const back = await hearth.waitForServer('everything', (s) => s.state === 'running' && s.restarts >= 1, 'running again', 30_000);
    assert.equal(back.httpTransport, 'sse');
    assert.equal(await echo(hearth, 'after the crash'), 'Echo: after the crash');
  });

  it('remembers that HTTP+SSE worked: a reconnect after the server restarts sends no Streamable HTTP request, and a switch to Streamable HTTP on the same URL is found again', async function () {
    // Three connections with restart backoff between them: generous deadlines, which only a failing run waits out.
    this.timeout(120_000);
    const port = await freePort();
    everything = await startEverythingSseServer(port);
    // The proxy counts what Hearth sends: Streamable HTTP POSTs to the configured URL, HTTP+SSE only GETs it.
    proxy = await startRecordingProxy(port);
    const posts = () => proxy!.requests.filter((r) => r.method === 'POST' && r.path === '/sse').length;
    const hearth = await start({ type: 'http', url: proxy.url('/sse') });
    const first = await hearth.waitForServer('everything', (s) => s.state === 'running', 'running');
    assert.equal(first.httpTransport, 'sse');
    assert.equal(posts(), 1, 'the first connection probes Streamable HTTP once');
    assert.ok(hearth.mcpLogs.some((l) => /Started \(.*\) over HTTP\+SSE with \d+ tools \(transport found by the probe\)/.test(l)), hearth.mcpLogs.join('\n'));

    // The server restarts: Hearth reconnects straight to HTTP+SSE, with no POST of initialize first.
    await everything.kill();
    await hearth.waitForServer('everything', (s) => s.state !== 'running', 'down');
    everything = await startEverythingSseServer(port);
    const back = await hearth.waitForServer('everything', (s) => s.state === 'running' && s.restarts >= 1, 'running again', 45_000);
    assert.equal(back.httpTransport, 'sse');
    assert.equal(posts(), 1, `no Streamable HTTP request on reconnect: ${JSON.stringify(proxy.requests)}`);
    assert.ok(hearth.mcpLogs.some((l) => /Connecting with HTTP\+SSE, the transport that worked for it last time/.test(l)), hearth.mcpLogs.join('\n'));
    assert.ok(hearth.mcpLogs.some((l) => /Started \(.*\) over HTTP\+SSE with \d+ tools \(transport remembered from an earlier connection\)/.test(l)), hearth.mcpLogs.join('\n'));
    assert.equal(await echo(hearth, 'after the restart'), 'Echo: after the restart');

    // The same URL now leads to a Streamable HTTP server: the remembered GET is refused (400), and the probe finds the new transport.
    const streamable = await startEverythingStreamableServer(await freePort());
    proxy.retarget(streamable.port, { '/sse': '/mcp' });
    const old = everything;
    everything = streamable;
    await old.kill();
    const switched = await hearth.waitForServer('everything', (s) => s.state === 'running' && s.httpTransport === 'streamable-http', 'running on Streamable HTTP', 45_000);
    assert.ok(switched.restarts >= 2);
    assert.ok(hearth.mcpLogs.some((l) => /It refused HTTP\+SSE, the transport that worked before, with HTTP 400; probing again from Streamable HTTP/.test(l)), hearth.mcpLogs.join('\n'));
    assert.ok(posts() > 1, 'the probe POSTed initialize again');
    assert.equal(await echo(hearth, 'after the switch'), 'Echo: after the switch');
  });

  it('refuses a server whose endpoint event sends the messages to another origin, with a clear error, and sends nothing there', async () => {
    hostile = await startCrossOriginSseServer();
    const hearth = await start({ type: 'http', url: hostile.url, headers: { Authorization: 'Bearer secret-for-the-server' } });
    const info = await hearth.waitForServer('everything', (s) => s.state === 'failed', 'failed');
    assert.match(info.lastError ?? '', /neither MCP transport worked: Streamable HTTP \(POST of initialize\) got HTTP 404/);
    assert.match(info.lastError ?? '', new RegExp(`endpoint" event told Hearth to POST its messages to another origin \\(${hostile.collectorOrigin.replace(/\./g, '\\.')}\\)`));
    assert.equal(info.restarts, 0, 'a hostile server is not retried');
    assert.deepEqual(info.tools, []);
    assert.equal(hostile.streams, 1);
    assert.deepEqual(hostile.collected, []);
  });
});
