/**
 * The team server end to end: the real gRPC server on a random port with real
 * TLS, in front of the scripted Ollama, and the real client the language
 * server uses (RemoteAgent over TeamConnection).
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { FileDescriptorProto, type IFileDescriptorProto } from 'protobufjs/ext/descriptor';
import type { AgentEvent, ToolCall } from '../../protocol/chat';
import { startTcpRelay } from '../fixtures/tcpRelay';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { ALICE_KEY, teamConnection, collect, makePki, MemoryAudit, remoteConfig, startTestServer, type TestPki, eventually } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';

describe('team server: chat through TLS with tools on the client', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let audit: MemoryAudit;
  let connection: TeamConnection;
  let agent: RemoteAgent;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture({ tokenDelayMs: 1 });
    ({ server, audit } = await startTestServer(remoteConfig(pki, fixture.url)));
    connection = teamConnection(server.port, pki);
    agent = new RemoteAgent(connection);
  });

  after(async () => {
    connection?.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  it('authenticates with the API key and reports the user', async () => {
    const tokens = await connection.auth.renew();
    assert.equal(tokens.user, 'alice');
    assert.ok(tokens.access.split('.').length === 3, 'a JWT access token');
    assert.ok(tokens.accessExpiresAt > Date.now());
    assert.ok(audit.events.some((e) => e.event === 'auth.success' && e.user === 'alice'));
  });

  it('runs a turn with two tool round trips through the client-side executor', async () => {
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/app.ts' } }] },
      { kind: 'toolCalls', calls: [{ name: 'grep', arguments: { pattern: 'TODO' } }] },
      { kind: 'text', text: 'The app has one TODO.' },
    );
    const executor = new FakeToolExecutor((call: ToolCall) => (call.name === 'read_file' ? 'export const app = 1; // TODO: name' : 'src/app.ts:1: // TODO: name'));
    const events = await collect(agent.startTurn([], { text: 'What is left to do?', context: [] }, { model: MODEL, executor }, new AbortController().signal));

    assert.deepEqual(executor.calls.map((c) => [c.name, c.arguments]), [
      ['read_file', { path: 'src/app.ts' }],
      ['grep', { pattern: 'TODO' }],
    ]);
    const results = events.filter((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult');
    assert.deepEqual(results.map((r) => r.result.content), ['export const app = 1; // TODO: name', 'src/app.ts:1: // TODO: name']);
    assert.equal(events.filter((e) => e.type === 'toolCall').length, 2);
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'The app has one TODO.');
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });

    // The model saw the client's tool output, which only the client could produce.
    const chats = fixture.requests.filter((r) => r.path === '/api/chat');
    const lastMessages = chats.at(-1)!.body.messages as { role: string; content: string }[];
    assert.ok(lastMessages.some((m) => m.role === 'tool' && m.content.includes('src/app.ts:1: // TODO: name')));

    // The audit log names the tools, never their arguments or output.
    const toolAudit = audit.events.filter((e) => e.event === 'tool.request' || e.event === 'tool.result');
    assert.equal(toolAudit.length, 4);
    assert.ok(!audit.lines.some((l) => l.includes('TODO') || l.includes('src/app.ts')), 'no file names or contents in the audit log');
    assert.ok(!audit.lines.some((l) => l.includes(ALICE_KEY)), 'no API key in the audit log');
  });

  it('lists models through the team server', async () => {
    const models = await agent.listModels();
    assert.ok(models.some((m) => m.name === MODEL));
  });

  it('completes fill-in-the-middle through the CompletionService', async () => {
    fixture.enqueue({ kind: 'text', text: 'return a + b;' });
    const res = await agent.complete({ model: MODEL, prompt: 'function add(a, b) {\n  ', suffix: '\n}\n', maxTokens: 32 });
    assert.equal(res.text, 'return a + b;');
    const generate = fixture.requests.filter((r) => r.path === '/api/generate').at(-1)!;
    assert.equal(generate.body.suffix, '\n}\n');
  });

  it('ends a completion whose backend ignores num_predict at the suggestion bound, and hangs up on the backend', async () => {
    fixture.enqueue({ kind: 'endlessTokens', token: 'x' });
    const res = await agent.complete({ model: MODEL, prompt: 'const padding = "', suffix: '";\n', maxTokens: 32 });
    assert.match(res.text, /^x+$/);
    assert.ok(res.text.length <= 32 * 32, `the answer is bounded (${res.text.length} characters)`);
    assert.equal(res.doneReason, 'length');
    await eventually(() => fixture.requests.find((r) => r.reply?.kind === 'endlessTokens' && r.outcome === 'aborted'), 5000, 'the backend request to be cut');
  });

  it('refreshes tokens: a new pair each time, and the old access token keeps working until it expires', async () => {
    const first = await connection.auth.renew();
    const second = await connection.auth.renew();
    assert.notEqual(second.refresh, first.refresh);
    assert.notEqual(second.access, first.access);
    assert.equal(second.user, 'alice');
    assert.ok(audit.events.some((e) => e.event === 'token.refresh'));
    const models = await agent.listModels();
    assert.ok(models.length > 0);
  });

  it('cancelling a turn aborts the model request', async () => {
    fixture.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const pending = collect(agent.startTurn([], { text: 'Think forever.', context: [] }, { model: MODEL }, controller.signal));
    const request = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'pending' && r.reply?.kind === 'hang', 10_000);
    controller.abort();
    const events = await pending;
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'cancelled' });
    const settled = await fixture.waitFor((r) => r.id === request.id && r.outcome !== 'pending', 5_000);
    assert.equal(settled.outcome, 'aborted');
  });

  it('a client that disconnects mid-turn cancels the turn and the model request within 100 ms', async () => {
    // The client reaches the server through a relay; cutting the relay's sockets is a network failure, not a polite cancel.
    const relay = await startTcpRelay(server.port);
    const other = new TeamConnection({ address: parseTeamServerUrl(`grpcs://localhost:${relay.port}`), apiKey: ALICE_KEY, tls: { caPem: pki.caPem } });
    fixture.enqueue({ kind: 'text', text: 'word '.repeat(400), tokenDelayMs: 20 });
    const iterator = new RemoteAgent(other).startTurn([], { text: 'Talk slowly.', context: [] }, { model: MODEL }, new AbortController().signal)[Symbol.asyncIterator]();
    // The first streamed event after the context meter's reading.
    let first = await iterator.next();
    while ((first.value as AgentEvent).type === 'context') first = await iterator.next();
    assert.equal((first.value as AgentEvent).type, 'text');
    const request = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const closedAt = Date.now();
    relay.dropAll();
    const settled = await fixture.waitFor((r) => r.id === request.id && r.outcome !== 'pending', 5_000);
    other.close();
    await relay.close();
    assert.equal(settled.outcome, 'aborted');
    const elapsed = settled.finishedAt! - closedAt;
    assert.ok(elapsed <= 100, `model request aborted ${elapsed} ms after the client went away`);
    await eventually(() => (audit.events.some((e) => e.event === 'turn.end' && e.reason === 'disconnected') ? true : undefined), 5000, 'turn.end audit');
  });

  it('the standard health client sees every service SERVING without a token', async () => {
    const def = protoLoader.loadSync('node_modules/grpc-health-check/proto/health/v1/health.proto', { keepCase: true, enums: String, defaults: true });
    const Health = (grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: typeof grpc.Client } } } }).grpc.health.v1.Health;
    const client = new Health(`localhost:${server.port}`, grpc.credentials.createSsl(pki.caPem)) as grpc.Client & {
      Check(req: { service: string }, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
    };
    try {
      for (const service of ['', 'hearth.v1.AgentService', 'hearth.v1.AuthService']) {
        const res = await new Promise<{ status: string }>((resolve, reject) => client.Check({ service }, (err, r) => (err ? reject(err) : resolve(r!))));
        assert.equal(res.status, 'SERVING', `health of "${service}"`);
      }
      await assert.rejects(
        new Promise((resolve, reject) => client.Check({ service: 'no.such.Service' }, (err, r) => (err ? reject(err) : resolve(r)))),
        (err: grpc.ServiceError) => err.code === grpc.status.NOT_FOUND,
      );
    } finally {
      client.close();
    }
  });

  it('the standard health client lists every service with List', async () => {
    // The upstream health.proto read from disk, not the server's copy of it: an independent client.
    const def = protoLoader.loadSync('node_modules/grpc-health-check/proto/health/v1/health.proto', { keepCase: true, enums: String, defaults: true });
    const Health = (grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: typeof grpc.Client } } } }).grpc.health.v1.Health;
    const client = new Health(`localhost:${server.port}`, grpc.credentials.createSsl(pki.caPem)) as grpc.Client & {
      List(req: object, cb: (err: grpc.ServiceError | null, res?: { statuses: Record<string, { status: string }> }) => void): void;
    };
    try {
      const res = await new Promise<{ statuses: Record<string, { status: string }> }>((resolve, reject) => client.List({}, (err, r) => (err ? reject(err) : resolve(r!))));
      assert.deepEqual(
        Object.entries(res.statuses).map(([name, s]) => [name, s.status]).sort(),
        ['', 'hearth.v1.AgentService', 'hearth.v1.AuthService', 'hearth.v1.CompletionService', 'hearth.v1.McpService', 'hearth.v1.ModelService', 'liveness'].map((name) => [name, 'SERVING']),
      );
    } finally {
      client.close();
    }
  });

  it('server reflection describes the health map field the way protoc does', async () => {
    const def = protoLoader.loadSync('node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto', { keepCase: true, enums: String, defaults: true, oneofs: true });
    const Reflection = (grpc.loadPackageDefinition(def) as unknown as { grpc: { reflection: { v1: { ServerReflection: typeof grpc.Client } } } }).grpc.reflection.v1.ServerReflection;
    const client = new Reflection(`localhost:${server.port}`, grpc.credentials.createSsl(pki.caPem)) as grpc.Client & {
      ServerReflectionInfo(): grpc.ClientDuplexStream<unknown, { file_descriptor_response?: { file_descriptor_proto: Buffer[] } }>;
    };
    try {
      const call = client.ServerReflectionInfo();
      const files = await new Promise<Buffer[]>((resolve, reject) => {
        call.on('data', (res) => resolve(res.file_descriptor_response?.file_descriptor_proto ?? []));
        call.on('error', reject);
        call.write({ file_containing_symbol: 'grpc.health.v1.HealthListResponse' });
      });
      call.end();
      // @grpc/reflection names files after their package (grpc_health_v1.proto).
      const decoded = files.map((b) => FileDescriptorProto.decode(b) as unknown as IFileDescriptorProto);
      const health = decoded.find((f) => f.messageType?.some((m) => m.name === 'HealthListResponse'));
      assert.ok(health, 'the file that declares HealthListResponse');
      const list = health.messageType!.find((m) => m.name === 'HealthListResponse')!;
      assert.ok(!list.options?.mapEntry, 'HealthListResponse itself is not a map entry');
      assert.equal(list.nestedType?.length, 1);
      assert.equal(list.nestedType[0].name, 'StatusesEntry');
      assert.equal(list.nestedType[0].options?.mapEntry, true);
      const field = list.field!.find((f) => f.name === 'statuses')!;
      assert.match(field.typeName ?? '', /(^|\.)StatusesEntry$/);
      assert.equal(field.label, 3);
    } finally {
      client.close();
    }
  });

  it('server reflection lists the services', async () => {
    const def = protoLoader.loadSync('node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto', { keepCase: true, enums: String, defaults: true, oneofs: true });
    const Reflection = (grpc.loadPackageDefinition(def) as unknown as { grpc: { reflection: { v1: { ServerReflection: typeof grpc.Client } } } }).grpc.reflection.v1.ServerReflection;
    const client = new Reflection(`localhost:${server.port}`, grpc.credentials.createSsl(pki.caPem)) as grpc.Client & {
      ServerReflectionInfo(): grpc.ClientDuplexStream<unknown, { list_services_response?: { service: { name: string }[] } }>;
    };
    try {
      const call = client.ServerReflectionInfo();
      const names = await new Promise<string[]>((resolve, reject) => {
        call.on('data', (res) => resolve((res.list_services_response?.service ?? []).map((s: { name: string }) => s.name)));
        call.on('error', reject);
        call.write({ list_services: '' });
      });
      call.end();
      for (const name of ['hearth.v1.AgentService', 'hearth.v1.AuthService', 'hearth.v1.ModelService', 'hearth.v1.CompletionService', 'hearth.v1.McpService', 'grpc.health.v1.Health']) {
        assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
      }
    } finally {
      client.close();
    }
  });

  it('serves Prometheus metrics on a separate port', async () => {
    const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    for (const name of ['hearth_rpcs_total', 'hearth_queue_wait_seconds', 'hearth_model_request_seconds', 'hearth_tokens_total', 'hearth_auth_failures_total', 'hearth_active_chat_streams']) {
      assert.ok(text.includes(name), `${name} exported`);
    }
    assert.match(text, /hearth_tool_requests_total\{outcome="requested"\} [1-9]/);
  });
});
