/**
 * Tool deadlines over the real team server: the turn decides one deadline
 * (the client's tool timeout, capped by the server's scheduler.toolTimeoutMs),
 * the core enforces it, every ToolRequest carries it as `timeout_ms`, the
 * client applies it to the execution, and a timeout is audited and counted.
 * The numbers are small stand-ins: a 3 s server cap, a 0.7 s turn timeout and
 * a tool that needs 1.5 s.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { AgentEvent, ToolCall, ToolResult } from '../../protocol/chat';
import { encodeChatStart } from '../../protocol/grpc/encodeChat';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import type { ChatClientMessage__Output } from '../../protocol/generated/hearth/v1/ChatClientMessage';
import type { ChatServerMessage, ChatServerMessage__Output } from '../../protocol/generated/hearth/v1/ChatServerMessage';
import { BUILTIN_TOOLS, ToolName } from '../../protocol/tools';
import type { ToolExecutor } from '../../agent-host';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { teamConnection, collect, makePki, MemoryAudit, remoteConfig, startTestServer, type TestPki, eventually } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const SERVER_CAP_MS = 3000;
const TURN_TIMEOUT_MS = 700;
const TOOL_NEEDS_MS = 1500;

/** A read_file that takes `needsMs` unless its signal stops it first; records when and why it stopped. */
class SlowTool implements ToolExecutor {
  started = 0;
  stoppedAfterMs: number | undefined;
  stopReason: unknown;
  constructor(private readonly needsMs: number) {}
  definitions() {
    return [BUILTIN_TOOLS[ToolName.ReadFile]];
  }
  execute(call: ToolCall, signal: AbortSignal): Promise<ToolResult> {
    this.started = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ callId: call.id, name: call.name, content: 'the whole file', isError: false }), this.needsMs);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          this.stoppedAfterMs = performance.now() - this.started;
          this.stopReason = signal.reason;
          resolve({ callId: call.id, name: call.name, content: 'stopped', isError: true });
        },
        { once: true },
      );
    });
  }
}

describe('team server: one owner for tool deadlines', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let audit: MemoryAudit;
  let connection: TeamConnection;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture({ tokenDelayMs: 1 });
    ({ server, audit } = await startTestServer(remoteConfig(pki, fixture.url, (c) => (c.scheduler.toolTimeoutMs = SERVER_CAP_MS))));
    connection = teamConnection(server.port, pki);
  });

  after(async () => {
    connection?.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  /** Runs one turn on a raw Chat stream that never answers its tool request; returns what the server sent and when. */
  /**
   * Runs a turn whose tool call is never answered. The server's deadline
   * starts when it sends the request, which this client sees only later (by
   * as much as the scheduler delays delivery), so a lower bound on the
   * deadline is measured from the start message, which always precedes it,
   * and an upper bound from the request's arrival, which always follows it.
   */
  async function unansweredToolTurn(toolTimeoutMs: number | undefined): Promise<{ timeoutMs: number; resultAfterMs: number; resultAfterStartMs: number; result: string; cancelled: boolean }> {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'a.ts' } }] }, { kind: 'text', text: 'It took too long.' });
    const call = connection.agent.Chat(await connection.metadata());
    let requestedAt = 0;
    let timeoutMs = -1;
    let resultAfterMs = -1;
    let resultAfterStartMs = -1;
    let startedAt = 0;
    let result = '';
    let cancelled = false;
    await new Promise<void>((resolve, reject) => {
      call.on('data', (m: ChatServerMessage__Output) => {
        if (m.tool_request) {
          requestedAt = performance.now();
          timeoutMs = m.tool_request.timeout_ms;
        } else if (m.tool_result?.result) {
          resultAfterMs = performance.now() - requestedAt;
          resultAfterStartMs = performance.now() - startedAt;
          result = m.tool_result.result.content;
        } else if (m.tool_cancel) cancelled = true;
        else if (m.done) resolve();
      });
      call.on('error', reject);
      startedAt = performance.now();
      call.write({ start: encodeChatStart({ history: [], input: { text: 'read a.ts', context: [] }, model: MODEL, tools: [BUILTIN_TOOLS[ToolName.ReadFile]], toolTimeoutMs }) });
    });
    call.end();
    return { timeoutMs, resultAfterMs, resultAfterStartMs, result, cancelled };
  }

  it('the deadline a tool request advertises is the one the server applies: the turn’s 0.7 s, not the server’s 3 s cap', async () => {
    const turn = await unansweredToolTurn(TURN_TIMEOUT_MS);
    assert.equal(turn.timeoutMs, TURN_TIMEOUT_MS, 'ToolRequest.timeout_ms');
    assert.match(turn.result, /read_file did not finish within 700 ms/);
    assert.ok(turn.resultAfterStartMs >= TURN_TIMEOUT_MS && turn.resultAfterMs < TURN_TIMEOUT_MS + 700, `timed out ${Math.round(turn.resultAfterMs)} ms after the request arrived (${Math.round(turn.resultAfterStartMs)} ms after the start)`);
    assert.ok(turn.cancelled, 'the client is told to stop the tool');
  });

  it('without a turn timeout the deadline is the server cap, advertised as such', async () => {
    const turn = await unansweredToolTurn(undefined);
    assert.equal(turn.timeoutMs, SERVER_CAP_MS);
    assert.ok(turn.resultAfterStartMs >= SERVER_CAP_MS && turn.resultAfterMs < SERVER_CAP_MS + 1000, `timed out ${Math.round(turn.resultAfterMs)} ms after the request arrived (${Math.round(turn.resultAfterStartMs)} ms after the start)`);
  });

  it('a timeout stops the tool on the client at the deadline and leaves tool.timeout in the audit log and metrics', async () => {
    const before = audit.events.length;
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'big.ts' } }] }, { kind: 'text', text: 'Too slow.' });
    const tool = new SlowTool(TOOL_NEEDS_MS);
    const events = await collect(new RemoteAgent(connection).startTurn([], { text: 'read big.ts', context: [] }, { model: MODEL, executor: tool, toolTimeoutMs: TURN_TIMEOUT_MS }, new AbortController().signal));
    const result = events.find((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult');
    assert.ok(result?.result.isError);
    assert.match(result.result.content, /did not finish within 700 ms/);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
    assert.ok(tool.stoppedAfterMs !== undefined && tool.stoppedAfterMs < TOOL_NEEDS_MS - 300, `the client stopped the tool after ${tool.stoppedAfterMs} ms`);
    const timeout = await eventually(() => audit.events.slice(before).find((e) => e.event === 'tool.timeout'), 5000, 'a tool.timeout audit record');
    assert.deepEqual({ ...timeout, turn: undefined, callId: undefined }, { event: 'tool.timeout', user: 'alice', turn: undefined, tool: 'read_file', callId: undefined, timeoutMs: TURN_TIMEOUT_MS });
    const metrics = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
    assert.match(metrics, /hearth_tool_requests_total\{outcome="timeout"\} [1-9]/);
  });

  it('a tool that needs 1.5 s runs to the end when the turn sets no timeout and the server cap (3 s) allows it', async () => {
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'big.ts' } }] }, { kind: 'text', text: 'Read it.' });
    const tool = new SlowTool(TOOL_NEEDS_MS);
    const events = await collect(new RemoteAgent(connection).startTurn([], { text: 'read big.ts', context: [] }, { model: MODEL, executor: tool }, new AbortController().signal));
    const result = events.find((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult');
    assert.deepEqual([result?.result.isError, result?.result.content], [false, 'the whole file']);
    assert.equal(tool.stoppedAfterMs, undefined, 'never stopped');
  });

  it('the client applies a request’s timeout_ms itself, even when no cancel arrives', async () => {
    // A server that asks for a tool with a 300 ms deadline and then never cancels it.
    const pkg = hearthPackage().grpc.hearth.v1;
    const fake = new grpc.Server();
    const resultsSent: string[] = [];
    fake.addService(pkg.AuthService.service, {
      Authenticate: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { access_token: '', access_expires_at_ms: 0, refresh_token: '', refresh_expires_at_ms: 0, user: 'local' }),
      Refresh: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, {}),
    });
    fake.addService(pkg.AgentService.service, {
      Chat: (stream: grpc.ServerDuplexStream<ChatClientMessage__Output, ChatServerMessage>) => {
        stream.on('data', (m: ChatClientMessage__Output) => {
          if (m.start) {
            const call = { id: 'c1', name: 'read_file', arguments_json: '{"path":"a.ts"}' };
            stream.write({ tool_call: { call } });
            stream.write({ tool_request: { request_id: 'r1', call, timeout_ms: 300 } });
            setTimeout(() => {
              stream.write({ done: { reason: 'stop' } });
              stream.end();
            }, 1200);
          } else if (m.tool_result) resultsSent.push(m.tool_result.request_id);
        });
        stream.on('error', () => undefined);
      },
    });
    const port = await new Promise<number>((resolve, reject) => fake.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const local = new TeamConnection({ address: parseTeamServerUrl(`grpc://127.0.0.1:${port}`), apiKey: 'unused' });
    try {
      const tool = new SlowTool(TOOL_NEEDS_MS);
      await collect(new RemoteAgent(local).startTurn([], { text: 'x', context: [] }, { model: MODEL, executor: tool }, new AbortController().signal));
      assert.ok(tool.stoppedAfterMs !== undefined && tool.stoppedAfterMs >= 250 && tool.stoppedAfterMs < 900, `stopped after ${tool.stoppedAfterMs} ms`);
      assert.equal((tool.stopReason as DOMException).name, 'TimeoutError');
      assert.deepEqual(resultsSent, [], 'no result is sent for a call whose deadline passed');
    } finally {
      local.close();
      fake.forceShutdown();
    }
  });
});
