/**
 * The team server when things go wrong: a server that is down, a connection
 * that drops mid-reply, a restart, a full queue, rate limits, a tool that
 * never answers, malformed requests, mutual TLS, and standalone mode.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { AgentEvent, ToolCall, ToolResult } from '../../protocol/chat';
import { encodeChatStart } from '../../protocol/grpc/encodeChat';
import type { ChatServerMessage__Output } from '../../protocol/generated/hearth/v1/ChatServerMessage';
import { BUILTIN_TOOLS, ToolName } from '../../protocol/tools';
import type { ToolExecutor } from '../../agent-host';
import { startTcpRelay } from '../fixtures/tcpRelay';
import { DEFAULT_MODELS, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { closedPortUrl } from '../fixtures/closedPort';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';
import type { ServerConfig } from '../../agent-host/server/config/serverConfig';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { ALICE_KEY, teamConnection, BOB_KEY, collect, makePki, remoteConfig, startTestServer, type TestPki, eventually } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const FAST_RETRY = { attempts: 2, baseMs: 10, maxMs: 20 };

function errorOf(events: AgentEvent[]) {
  const e = events.find((x): x is Extract<AgentEvent, { type: 'error' }> => x.type === 'error');
  assert.ok(e, `an error event in ${JSON.stringify(events)}`);
  return e.error;
}

describe('team server: failures the user can act on', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  const servers: TeamServer[] = [];
  const connections: TeamConnection[] = [];

  async function serve(overrides: (c: ServerConfig) => void = () => {}): Promise<TeamServer> {
    const { server } = await startTestServer(remoteConfig(pki, fixture.url, overrides));
    servers.push(server);
    return server;
  }

  function connect(port: number, apiKey = ALICE_KEY, extra: Partial<ConstructorParameters<typeof TeamConnection>[0]> = {}): RemoteAgent {
    const connection = new TeamConnection({ address: parseTeamServerUrl(`grpcs://localhost:${port}`), apiKey, tls: { caPem: pki.caPem }, ...extra });
    connections.push(connection);
    return new RemoteAgent(connection, FAST_RETRY);
  }

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture({ tokenDelayMs: 1 });
  });

  after(async () => {
    for (const c of connections) c.close();
    await Promise.all(servers.map((s) => s.shutdown(200)));
    await fixture?.close();
    pki?.cleanup();
  });

  it('a server that is down gives a clear error that suggests local mode', async () => {
    const port = Number(new URL(await closedPortUrl()).port);
    const events = await collect(connect(port).startTurn([], { text: 'hi', context: [] }, { model: MODEL }, new AbortController().signal));
    const error = errorOf(events);
    assert.equal(error.code, 'connectionDropped');
    assert.match(error.message, /could not reach the team server/);
    assert.match(error.message, /Disconnect from Team Server.*local Ollama/);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
  });

  it('a connection that drops mid-reply ends the turn with connectionDropped, after the text that arrived', async () => {
    const server = await serve();
    const relay = await startTcpRelay(server.port);
    const agent = connect(relay.port);
    fixture.enqueue({ kind: 'text', text: 'partial '.repeat(300), tokenDelayMs: 10 });
    const events: AgentEvent[] = [];
    for await (const e of agent.startTurn([], { text: 'Write a lot.', context: [] }, { model: MODEL }, new AbortController().signal)) {
      events.push(e);
      if (events.filter((x) => x.type === 'text').length === 3) relay.dropAll();
    }
    await relay.close();
    assert.ok(events.filter((e) => e.type === 'text').length >= 3);
    const error = errorOf(events);
    assert.equal(error.code, 'connectionDropped');
    assert.match(error.message, /dropped during this reply.*conversation is kept/);
    assert.equal(error.retryable, true);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
  });

  it('a backend line that never ends stops the reply with a clear error, keeps the text before it and cuts the backend request', async () => {
    const server = await serve();
    fixture.enqueue({ kind: 'endlessLine', text: 'The answer starts' });
    const events = await collect(connect(server.port).startTurn([], { text: 'Explain it.', context: [] }, { model: MODEL }, new AbortController().signal));
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'The answer starts');
    const error = errorOf(events);
    assert.match(error.message, /sent a line of qwen2\.5-coder:7b's answer that did not end, so Hearth stopped reading the answer there \(the server sent a stream line longer than 16 MiB; Hearth stopped reading it\)\. The partial answer is kept/);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
    const request = await eventually(() => fixture.requests.find((r) => r.reply?.kind === 'endlessLine' && r.outcome !== 'pending'), 5_000, 'the backend request to end');
    assert.equal(request.outcome, 'aborted', 'the team server hung up on the backend');
  });

  it('a model that takes long to load is waited for without a deadline, and the chat is told how long it has waited, then how long it took', async () => {
    // Ollama sends nothing until the model is loaded; the developer's client ends no turn for silence (Stop does).
    fixture.setModels([...DEFAULT_MODELS, { name: 'slow-load:7b', loadDelayMs: 11_500 }]);
    const server = await serve();
    fixture.enqueue({ kind: 'text', text: 'Loaded and answering.' });
    const events = await collect(connect(server.port).startTurn([], { text: 'hi', context: [] }, { model: 'slow-load:7b' }, new AbortController().signal));
    const notes = events.filter((e): e is Extract<AgentEvent, { type: 'status' }> => e.type === 'status' && e.id === 'team-model-wait');
    assert.deepEqual(
      notes.map((n) => n.message.replace(/\d+ s/, 'N s')),
      [
        'Waiting N s for slow-load:7b on the team server: it may be loading into memory (a large model can take minutes) or waiting for a free slot. The answer appears here when it starts; Stop ends the wait.',
        'slow-load:7b answered after N s on the team server.',
      ],
    );
    assert.ok(events.indexOf(notes[1]) < events.findIndex((e) => e.type === 'text'), 'the closing note comes before the answer');
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'Loaded and answering.');
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
  });

  it('a graceful shutdown lets the grace period pass, then ends running turns with a message', async () => {
    const server = await serve();
    const agent = connect(server.port);
    fixture.enqueue({ kind: 'hang' });
    const pending = collect(agent.startTurn([], { text: 'Wait.', context: [] }, { model: MODEL }, new AbortController().signal));
    const request = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'pending' && r.reply?.kind === 'hang', 10_000);
    const stopping = server.shutdown(300);
    const events = await pending;
    await stopping;
    assert.match(errorOf(events).message, /restarting.*Retry/);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
    const settled = await fixture.waitFor((r) => r.id === request.id && r.outcome !== 'pending', 5000);
    assert.equal(settled.outcome, 'aborted');
  });

  it('a full queue answers RESOURCE_EXHAUSTED with a retry hint instead of queueing without bound', async () => {
    const server = await serve((c) => {
      c.backends[0].maxConcurrency = 1;
      c.scheduler.maxQueue = 1;
    });
    // Only the first turn reaches the model; the second waits in the scheduler and the third is refused.
    fixture.enqueue({ kind: 'hang' });
    const alice = connect(server.port, ALICE_KEY);
    const bob = connect(server.port, BOB_KEY);
    const a = new AbortController();
    const b = new AbortController();
    const first = collect(alice.startTurn([], { text: 'one', context: [] }, { model: MODEL }, a.signal));
    await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'pending' && r.reply?.kind === 'hang', 10_000);
    const second = collect(bob.startTurn([], { text: 'two', context: [] }, { model: MODEL }, b.signal));
    await eventually(() => (server.scheduler.queued === 1 ? true : undefined), 10_000, 'the second turn to queue');
    const third = await collect(alice.startTurn([], { text: 'three', context: [] }, { model: MODEL }, new AbortController().signal));
    const error = errorOf(third);
    assert.equal(error.code, 'limitReached');
    assert.match(error.message, /at capacity.*retry in \d+ s/);
    a.abort();
    b.abort();
    await Promise.all([first, second]);
  });

  it('per-user rate limits refuse the turn over the limit, for that user only', async () => {
    const server = await serve((c) => (c.limits.chatTurnsPerMinute = 1));
    fixture.enqueue({ kind: 'text', text: 'ok' }, { kind: 'text', text: 'ok' });
    const alice = connect(server.port, ALICE_KEY);
    assert.deepEqual((await collect(alice.startTurn([], { text: 'one', context: [] }, { model: MODEL }, new AbortController().signal))).at(-1), { type: 'done', reason: 'stop' });
    const refused = await collect(alice.startTurn([], { text: 'two', context: [] }, { model: MODEL }, new AbortController().signal));
    assert.equal(errorOf(refused).code, 'limitReached');
    assert.match(errorOf(refused).message, /limit of chat turns per minute; retry in \d+ s/);
    const bob = connect(server.port, BOB_KEY);
    assert.deepEqual((await collect(bob.startTurn([], { text: 'mine', context: [] }, { model: MODEL }, new AbortController().signal))).at(-1), { type: 'done', reason: 'stop' });
  });

  it('a tool the client never answers times out into an error result, and the client is told to stop it', async () => {
    const server = await serve((c) => (c.scheduler.toolTimeoutMs = 300));
    let toolSignal: AbortSignal | undefined;
    const hanging: ToolExecutor = {
      definitions: () => [BUILTIN_TOOLS[ToolName.ReadFile]],
      execute: (_call: ToolCall, signal: AbortSignal) => {
        toolSignal = signal;
        return new Promise<ToolResult>(() => undefined);
      },
    };
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'a.ts' } }] }, { kind: 'text', text: 'I could not read it.' });
    const events = await collect(connect(server.port).startTurn([], { text: 'read a.ts', context: [] }, { model: MODEL, executor: hanging }, new AbortController().signal));
    const result = events.find((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult');
    assert.ok(result?.result.isError);
    assert.match(result.result.content, /read_file did not finish within 300 ms/);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
    await eventually(() => (toolSignal?.aborted ? true : undefined), 5000, 'the client-side tool to be aborted');
  });

  it('rejects malformed turns with INVALID_ARGUMENT naming the field', async () => {
    const server = await serve();
    const connection = teamConnection(server.port, pki);
    connections.push(connection);
    const start = encodeChatStart({ history: [], input: { text: 'x', context: [] }, model: MODEL, tools: [] });
    const cases: [string, unknown, RegExp][] = [
      ['a tool schema that is not JSON', { ...start, tools: [{ name: 'read_file', description: '', parameters_json: '{nope', read_only: true }] }, /start\.tools\[0\]\.parameters_json: is not valid JSON/],
      ['tool calls on a user message', { ...start, history: [{ role: 'ROLE_USER', content: 'x', tool_calls: [{ id: '1', name: 'read_file', arguments_json: '{}' }] }] }, /only assistant messages carry tool calls/],
      ['a model name with spaces', { ...start, model: 'rm -rf /' }, /start\.model: does not match/],
      ['no role', { ...start, history: [{ role: 'ROLE_UNSPECIFIED', content: 'x' }] }, /start\.history\[0\]\.role/],
    ];
    for (const [what, message, expected] of cases) {
      const md = await connection.metadata();
      const call = connection.agent.Chat(md);
      const failure = new Promise<grpc.ServiceError>((resolve) => {
        call.on('data', (_m: ChatServerMessage__Output) => undefined);
        call.on('error', resolve);
      });
      call.write({ start: message as never });
      const err = await failure;
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT, what);
      assert.match(err.details, expected, what);
    }
  });

  it('mutual TLS: a client without a certificate is refused, one with a certificate from the CA gets in', async () => {
    const server = await serve((c) => (c.tls.clientCaFile = `${pki.dir}/ca.crt`));
    const { readFileSync } = await import('node:fs');
    const noCert = await collect(connect(server.port).startTurn([], { text: 'hi', context: [] }, { model: MODEL }, new AbortController().signal));
    assert.equal(errorOf(noCert).code, 'connectionDropped');
    fixture.enqueue({ kind: 'text', text: 'hello' });
    const withCert = connect(server.port, ALICE_KEY, { tls: { caPem: pki.caPem, certPem: readFileSync(pki.clientCertFile), keyPem: readFileSync(pki.clientKeyFile) } });
    const events = await collect(withCert.startTurn([], { text: 'hi', context: [] }, { model: MODEL }, new AbortController().signal));
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
  });

  it('standalone mode: plaintext on 127.0.0.1 without sign-in', async () => {
    const server = await serve((c) => {
      c.server.mode = 'standalone';
      c.tls = { certFile: '', keyFile: '', clientCaFile: '' };
      c.auth.enabled = false;
    });
    const connection = new TeamConnection({ address: parseTeamServerUrl(`grpc://127.0.0.1:${server.port}`), apiKey: 'unused-in-standalone' });
    connections.push(connection);
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'list_dir', arguments: { path: '.' } }] }, { kind: 'text', text: 'Two files.' });
    const executor = new FakeToolExecutor(() => 'a.ts\nb.ts');
    const events = await collect(new RemoteAgent(connection).startTurn([], { text: 'ls', context: [] }, { model: MODEL, executor }, new AbortController().signal));
    assert.equal(executor.calls.length, 1);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
    assert.equal(connection.auth.user, 'local');
  });
});
