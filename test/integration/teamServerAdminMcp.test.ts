/**
 * The admin's MCP servers (config.yaml `mcp.servers`) run next to the team
 * server and their tools are offered to every user's agent, beside the tools
 * the developer's client offers. Here the admin's server is the real
 * @modelcontextprotocol/server-everything; the client offers read_file.
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { readMcpServers } from '../../agent-host/server/config/readMcpServers';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { EVERYTHING_SERVER, MODEL } from './mcpHarness';
import { teamConnection, makePki, type MemoryAudit, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

describe('admin MCP servers on the team server (integration)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let audit: MemoryAudit;
  let connection: TeamConnection;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    const problems: string[] = [];
    const servers = readMcpServers({ servers: { docs: { type: 'stdio', command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } } }, problems);
    assert.deepEqual(problems, []);
    ({ server, audit } = await startTestServer(remoteConfig(pki, fixture.url, (c) => (c.mcp = { servers }))));
    connection = teamConnection(server.port, pki);
  });

  after(async () => {
    connection?.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  it('offers the admin’s MCP tools with the client’s own, and runs them on the server', async () => {
    const client = new FakeToolExecutor(() => 'file contents');
    const agent = new RemoteAgent(connection);
    // The admin's server starts in the background; its tools appear once it is up,
    // so the turn is repeated until the model is offered them.
    let offered: string[] = [];
    const deadline = Date.now() + 20_000;
    let events: AgentEvent[] = [];
    for (;;) {
      fixture.enqueue(
        { kind: 'toolCalls', calls: [{ name: 'docs.echo', arguments: { message: 'from the admin server' } }] },
        { kind: 'text', text: 'Done.' },
      );
      const before = fixture.requests.length;
      events = [];
      for await (const e of agent.startTurn([], { text: 'Use the docs tool', context: [] }, { model: MODEL, executor: client }, new AbortController().signal)) events.push(e);
      const first = fixture.requests.slice(before).find((r) => r.path === '/api/chat');
      offered = ((first?.body.tools ?? []) as { function: { name: string } }[]).map((t) => t.function.name);
      if (offered.includes('docs.echo') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(offered.includes('docs.echo'), `admin tool offered: ${offered.join(', ')}`);
    assert.ok(offered.includes('read_file'), 'the client’s tools are offered too');
    assert.deepEqual(client.calls, [], 'the client was never asked to run the admin tool');
    const result = events.find((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult');
    assert.equal(result?.result.content, 'Echo: from the admin server', 'the client sees the tool’s result');
    const messages = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[];
    assert.ok(messages.some((m) => m.role === 'tool' && m.content === 'Echo: from the admin server'), 'the result reached the model');
    assert.ok(audit.events.some((e) => e.event === 'tool.request' && e.tool === 'docs.echo' && e.where === 'server'), 'the call is audited as a server-side tool');
  });

  it('reports a bad admin MCP entry by name instead of dropping it', () => {
    const problems: string[] = [];
    const specs = readMcpServers({ servers: { ok: { command: 'docs-mcp' }, 'bad name!': { command: 'x' }, web: { type: 'http', url: 'ftp://x' }, nocmd: { args: ['a'] } } }, problems);
    assert.deepEqual(specs.map((s) => s.name), ['ok']);
    assert.equal(problems.length, 3);
    assert.ok(problems.some((p) => p.includes('mcp.servers.web.url')));
    assert.ok(problems.some((p) => p.includes('mcp.servers.nocmd.command')));
  });
});
