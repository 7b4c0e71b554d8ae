/**
 * Remote mode with a developer's MCP server that lists 1,000 tools
 * (test/fixtures/mcpManyToolsServer.main.ts) and a model with an 8,192-token
 * window on the team server: the client sends the team server no more tools
 * than it takes in a turn, the team server's agent core offers the model
 * only those that fit the window, as the local agent does, and the developer
 * is told both times which server's tools were left out. Before, the client
 * sent all 1,000 and the team server refused the turn.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { AgentEvent } from '../../protocol/chat';
import { LIMITS } from '../../protocol/grpc/decodeChat';
import { withMcpTools } from '../../agent-host';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { FakeToolExecutor, READ_TOOLS } from '../fixtures/fakeToolExecutor';
import { chatRequests, DEFAULT_MODELS, offeredTools } from '../fixtures/ollamaFixture';
import { MODEL } from './mcpHarness';
import { useRemoteMcpSuite } from './remoteMcpSuite';
import { collect } from './teamServerHarness';

const MANY_TOOLS = fileURLToPath(new URL('../fixtures/mcpManyToolsServer.main.mjs', import.meta.url));

describe('MCP: more tools than the team server and the window hold, in remote mode (integration)', function () {
  this.timeout(60_000);
  const suite = useRemoteMcpSuite({
    fixture: { models: DEFAULT_MODELS.map((m) => (m.name === MODEL ? { ...m, contextLength: 8192 } : m)) },
    mcp: { name: 'tracker', command: process.execPath, args: [MANY_TOOLS, '1000', '250'] },
    ready: { until: (manager) => manager.tools().length === 1000, what: 'the tracker server to list its 1,000 tools' },
  });

  it('sends at most what the team server takes, offers the model what fits its window, and runs the offered tool on the client', async () => {
    const { fixture, connection, manager } = suite;
    const executor = withMcpTools(new FakeToolExecutor(() => 'file text', READ_TOOLS), manager);
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'tracker.tool_0001', arguments: { text: 'open bugs' } }] }, { kind: 'text', text: 'There are open bugs.' });
    const events = await collect(new RemoteAgent(connection).startTurn([], { text: 'What is open in the tracker?', context: [] }, { model: MODEL, executor }, new AbortController().signal));

    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' }, JSON.stringify(events.filter((e) => e.type === 'error')));
    const results = events.filter((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult').map((e) => e.result);
    assert.deepEqual(results.map((r) => [r.isError, r.content]), [[false, 'tool_0001: open bugs']], 'the tool ran on the client');

    const [first] = chatRequests(fixture);
    assert.equal(first.body.options.num_ctx, 8192);
    const offered = offeredTools(first);
    const mcp = offered.filter((name) => name.includes('.'));
    assert.deepEqual(offered.slice(0, READ_TOOLS.length), READ_TOOLS.map((t) => t.name), 'the built-ins first');
    assert.ok(mcp.length > 0 && mcp.length < LIMITS.tools - READ_TOOLS.length, `${mcp.length} MCP tools offered`);
    assert.deepEqual(mcp, Array.from({ length: mcp.length }, (_, i) => `tracker.tool_${String(i + 1).padStart(4, '0')}`), 'the first ones, in listing order');

    const warnings = events.filter((e): e is Extract<AgentEvent, { type: 'status' }> => e.type === 'status' && e.level === 'warning').map((e) => e.message);
    const sent = LIMITS.tools - READ_TOOLS.length;
    assert.deepEqual(
      warnings.map((w) => w.replace(/;.*/, '')),
      [
        `The team server takes at most ${LIMITS.tools} tools in a turn, so Hearth left ${1000 - sent} tools of the MCP server "tracker" out of this turn`,
        `${MODEL}'s context window (8192 tokens) cannot hold the definitions of every tool, so Hearth left ${sent - mcp.length} tools of the MCP server "tracker" out of this turn`,
      ],
    );
  });
});
