/**
 * The admin's MCP servers (config.yaml `mcp.servers`) run next to the team
 * server and their tools are offered to every user's agent, beside the tools
 * the developer's client offers. Here the admin's server is the real
 * @modelcontextprotocol/server-everything, over stdio and over the older
 * HTTP+SSE transport; the client offers read_file.
 */
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../protocol/chat';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { readMcpServers } from '../../agent-host/server/config/readMcpServers';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { freePort } from '../fixtures/freePort';
import { EVERYTHING_SERVER, killLeftovers, MODEL, startEverythingSseServer, type EverythingSseServer } from './mcpHarness';
import { teamConnection, makePki, type MemoryAudit, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

describe('admin MCP servers on the team server (integration)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let audit: MemoryAudit;
  let connection: TeamConnection;
  let everything: EverythingSseServer;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    everything = await startEverythingSseServer(await freePort());
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
    if (everything) killLeftovers([everything.pid]);
    pki?.cleanup();
  });

  it('offers the admin’s MCP tools with the client’s own, and runs them on the server', async () => {
    const client = new FakeToolExecutor(() => 'file contents');
    const { offered, events } = await echoTurn(fixture, new RemoteAgent(connection), client, 'from the admin server');
    assert.ok(offered.includes('read_file'), 'the client’s tools are offered too');
    assertEchoedOnServer({ offered, events, client, fixture, audit }, 'from the admin server');
  });

  it('shows an admin tool’s progress as one note per call that moves on in place, not a line per report', async () => {
    // The tools are up once the echo turn ran (the test above, or this one's first turn).
    await echoTurn(fixture, new RemoteAgent(connection), new FakeToolExecutor(() => ''), 'warm');
    // Twenty reports in five seconds: more than the chat's one note a second lets through.
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'docs.trigger-long-running-operation', arguments: { duration: 5, steps: 20 } }] }, { kind: 'text', text: 'Done.' });
    const events: AgentEvent[] = [];
    for await (const e of new RemoteAgent(connection).startTurn([], { text: 'Run it', context: [] }, { model: MODEL, executor: new FakeToolExecutor(() => '') }, new AbortController().signal)) events.push(e);
    const call = events.find((e): e is Extract<AgentEvent, { type: 'toolCall' }> => e.type === 'toolCall');
    const notes = events.filter((e): e is Extract<AgentEvent, { type: 'status' }> => e.type === 'status');
    assert.ok(notes.length >= 2 && notes.length < 20, JSON.stringify(notes));
    assert.ok(notes.every((n) => n.id === `progress:${call?.call.id}`), JSON.stringify(notes));
    const steps = notes.map((n) => Number(/^docs\.trigger-long-running-operation: progress (\d+)\/20/.exec(n.message)?.[1]));
    assert.ok(steps.every((step, i) => step > 0 && (i === 0 || step > steps[i - 1])), JSON.stringify(notes));
  });

  it('runs an admin MCP server over the older HTTP+SSE transport (`transport: sse`), and its tool’s result reaches the client and the model', async () => {
    const sse = await startTestServer(remoteConfig(pki, fixture.url, (c) => (c.mcp = { servers: readMcpServers({ servers: { docs: { type: 'http', url: everything.url, transport: 'sse' } } }, []) })));
    const sseConnection = teamConnection(sse.server.port, pki);
    try {
      const client = new FakeToolExecutor(() => 'file contents');
      const { offered, events } = await echoTurn(fixture, new RemoteAgent(sseConnection), client, 'over HTTP+SSE');
      assertEchoedOnServer({ offered, events, client, fixture, audit: sse.audit }, 'over HTTP+SSE');
    } finally {
      sseConnection.close();
      await sse.server.shutdown(500);
    }
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

/** The echo ran on the team server: offered to the model, never sent to the client, its result seen by the client and the model, and audited. */
function assertEchoedOnServer(turn: { offered: string[]; events: AgentEvent[]; client: FakeToolExecutor; fixture: OllamaFixture; audit: MemoryAudit }, message: string): void {
  assert.ok(turn.offered.includes('docs.echo'), `admin tool offered: ${turn.offered.join(', ')}`);
  assert.deepEqual(turn.client.calls, [], 'the client was never asked to run the admin tool');
  const result = turn.events.find((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult');
  assert.equal(result?.result.isError, false, result?.result.content);
  assert.equal(result?.result.content, `Echo: ${message}`, 'the client sees the tool’s result');
  const messages = turn.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[];
  assert.ok(messages.some((m) => m.role === 'tool' && m.content === `Echo: ${message}`), 'the result reached the model');
  assert.ok(turn.audit.events.some((e) => e.event === 'tool.request' && e.tool === 'docs.echo' && e.where === 'server'), 'the call is audited as a server-side tool');
}

/**
 * One remote turn whose scripted model calls `docs.echo`. The admin's server
 * starts in the background and its tools appear once it is up, so the turn is
 * repeated until the model is offered them (or 20 s passed). Returns the tools
 * the model was offered in the last turn and that turn's events.
 */
async function echoTurn(fixture: OllamaFixture, agent: RemoteAgent, client: FakeToolExecutor, message: string): Promise<{ offered: string[]; events: AgentEvent[] }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'docs.echo', arguments: { message } }] }, { kind: 'text', text: 'Done.' });
    const before = fixture.requests.length;
    const events: AgentEvent[] = [];
    for await (const e of agent.startTurn([], { text: 'Use the docs tool', context: [] }, { model: MODEL, executor: client }, new AbortController().signal)) events.push(e);
    const first = fixture.requests.slice(before).find((r) => r.path === '/api/chat');
    const offered = ((first?.body.tools ?? []) as { function: { name: string } }[]).map((t) => t.function.name);
    if (offered.includes('docs.echo') || Date.now() > deadline) return { offered, events };
    await new Promise((r) => setTimeout(r, 250));
  }
}
