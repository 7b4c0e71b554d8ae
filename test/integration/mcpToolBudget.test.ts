/**
 * An MCP server with more tools than a small context window holds, through
 * the real language server and a real stdio MCP server
 * (test/fixtures/mcpManyToolsServer.main.ts): the chat turn runs with the
 * built-in tools and the server's tools that fit, and the user is told which
 * server's tools were left out. Before, every turn was refused as a message
 * too long, with advice to attach less context.
 */
import * as assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODELS, chatRequests, offeredTools } from '../fixtures/ollamaFixture';
import { MODEL, startMcpTestServer, useMcpSuite } from './mcpHarness';

const MANY_TOOLS = fileURLToPath(new URL('../fixtures/mcpManyToolsServer.main.mjs', import.meta.url));

describe('MCP: more tools than the context window holds (integration)', function () {
  this.timeout(90_000);
  const suite = useMcpSuite('mcp-budget');

  it('offers the built-ins and the tools that fit, runs the turn, and names the server whose tools were left out', async () => {
    // Ollama's usual small window: 8,192 tokens, the model's own length, so that is what Hearth asks for.
    suite.fixture.setModels(DEFAULT_MODELS.map((m) => (m.name === MODEL ? { ...m, contextLength: 8192 } : m)));
    const server = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { tracker: { command: process.execPath, args: [MANY_TOOLS, '1000', '250'] } } } },
    });
    suite.client = server;
    await server.waitForServer('tracker', (s) => s.state === 'running' && s.tools.length === 1000, 'running with its 1,000 tools');

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'tracker.tool_0001', arguments: { text: 'open bugs' } }] }, { kind: 'text', text: 'There are open bugs.' });
    const turn = await server.turn('What is open in the tracker?', 60_000);
    assert.equal(turn.doneReason, 'stop', `the turn ran: ${JSON.stringify(server.client.events.filter((e) => e.event.type === 'error'))}`);
    assert.equal(turn.results[0]?.isError, false, 'an offered MCP tool runs');
    assert.equal(turn.results[0].content, 'tool_0001: open bugs', 'the server answered');

    const [first, second] = chatRequests(suite.fixture);
    assert.equal(first.body.options.num_ctx, 8192);
    const offered = offeredTools(first);
    for (const builtIn of ['read_file', 'edit_file', 'write_file', 'run_command', 'grep']) assert.ok(offered.includes(builtIn), `${builtIn} is offered: ${offered.join(', ')}`);
    const mcp = offered.filter((name) => name.includes('.'));
    assert.ok(mcp.length > 0 && mcp.length < 1000, `${mcp.length} of the server's tools are offered`);
    assert.deepEqual(mcp, Array.from({ length: mcp.length }, (_, i) => `tracker.tool_${String(i + 1).padStart(4, '0')}`), 'the first ones, in listing order');
    assert.deepEqual(offeredTools(second), offered, 'the same tools on the next step');

    const warnings = server.client.events.filter((e) => e.entryId === turn.assistantEntryId && e.event.type === 'status' && e.event.level === 'warning');
    assert.equal(warnings.length, 1, 'told once in the turn');
    const message = warnings[0].event.type === 'status' ? warnings[0].event.message : '';
    assert.match(message, new RegExp(`left ${1000 - mcp.length} tools of the MCP server "tracker" out of this turn`));
    assert.match(message, /Turn off the MCP servers or tools you do not need: run "Hearth: List MCP Servers"/);
  });
});
