/**
 * The tools' share of the context window: with many MCP tools on a small
 * window the turn still runs, with the built-in tools and the MCP tools that
 * fit, whole and in order, and the user is told which servers lost tools.
 */
import assert from 'node:assert/strict';
import { BUILTIN_TOOLS, type ToolDefinition } from '../../protocol/tools';
import { createAgent } from '../../agent-host/index';
import { answerReserve } from '../../agent-host/core/contextBudget';
import { selectTools, TOOL_SHARE } from '../../agent-host/core/toolBudget';
import { toolsTokens } from '../../agent-host/core/toolsTokens';
import { FakeToolExecutor, READ_TOOLS } from '../fixtures/fakeToolExecutor';
import { offeredTools, startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { collect, only } from '../fixtures/agentEvents';

/** `count` MCP tools of `server`, each with a description of about 250 characters, as the red-team server listed them. */
function mcpTools(server: string, count: number, descriptionChars = 250): ToolDefinition[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${server}.tool_${i + 1}`,
    description: `Looks up records of kind ${i + 1}. `.padEnd(descriptionChars, 'More about them. '),
    parameters: { type: 'object', properties: { text: { type: 'string', description: 'What to look up.' } }, required: ['text'] },
    readOnly: false,
  }));
}

describe('selectTools', () => {
  const budget = 6144;

  it('offers every tool when they fit', () => {
    const tools = [...READ_TOOLS, ...mcpTools('github', 3)];
    const selection = selectTools(tools, budget);
    assert.deepEqual(selection.offered, tools);
    assert.deepEqual(selection.leftOut, []);
  });

  it('keeps the built-ins and the first MCP tools in order, within the share, and counts the rest per server', () => {
    const github = mcpTools('github', 90);
    const jira = mcpTools('jira', 20);
    const tools = [...READ_TOOLS, ...github, ...jira];
    const selection = selectTools(tools, budget);
    const kept = selection.offered.length - READ_TOOLS.length;
    assert.ok(kept > 0 && kept < 90, `kept ${kept} MCP tools`);
    assert.deepEqual(selection.offered, [...READ_TOOLS, ...github.slice(0, kept)], 'the built-ins, then a prefix of the list: no tool is cut or skipped');
    assert.ok(toolsTokens(selection.offered) <= budget * TOOL_SHARE, 'within the share');
    assert.ok(toolsTokens([...selection.offered, github[kept]]) > budget * TOOL_SHARE, 'the next one would not have fitted');
    assert.equal(selection.offeredTokens, toolsTokens(selection.offered));
    assert.deepEqual(selection.leftOut, [
      { server: 'github', count: 90 - kept },
      { server: 'jira', count: 20 },
    ]);
  });

  it('does not let a later, smaller tool jump ahead of one that did not fit', () => {
    const big = mcpTools('big', 1, 20_000);
    const small = mcpTools('small', 1, 20);
    const selection = selectTools([...READ_TOOLS, ...big, ...small], budget);
    assert.deepEqual(selection.offered, READ_TOOLS);
    assert.deepEqual(selection.leftOut, [
      { server: 'big', count: 1 },
      { server: 'small', count: 1 },
    ]);
  });

  it('always keeps the built-in tools, even past the share', () => {
    const builtIns = Object.values(BUILTIN_TOOLS);
    assert.ok(toolsTokens(builtIns) > 1024 * TOOL_SHARE);
    const selection = selectTools([...builtIns, ...mcpTools('github', 5)], 1024);
    assert.deepEqual(selection.offered, builtIns);
    assert.deepEqual(selection.leftOut, [{ server: 'github', count: 5 }]);
  });
});

describe('agent turn with more MCP tools than the window holds', () => {
  const MODEL = 'small:3b';
  let fixture: OllamaFixture;

  beforeEach(async () => {
    fixture = await startOllamaFixture({ models: [{ name: MODEL, contextLength: 8192 }] });
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('runs with the built-ins and the tools that fit, warns once, and refuses a call to a tool that was left out', async () => {
    const github = mcpTools('github', 1000);
    const executor = new FakeToolExecutor(() => 'done', [...READ_TOOLS, ...github]);
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'github.tool_900', arguments: { text: 'x' } }] }, { kind: 'text', text: 'All done.' });
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], { text: 'find the open issues', context: [] }, { model: MODEL, executor }, new AbortController().signal));

    assert.equal(only(events, 'error').length, 0, JSON.stringify(only(events, 'error')));
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
    const requests = fixture.requests.filter((r) => r.path === '/api/chat');
    assert.equal(requests.length, 2);
    const offered = offeredTools(requests[0]);
    const kept = offered.length - READ_TOOLS.length;
    assert.ok(kept > 0 && kept < 100, `offered ${kept} of the 1,000 MCP tools`);
    assert.deepEqual(offered, [...READ_TOOLS, ...github.slice(0, kept)].map((t) => t.name));
    assert.deepEqual(offeredTools(requests[1]), offered, 'the same tools on every step');
    assert.ok(JSON.stringify(requests[0].body.tools).length / 3.5 <= (8192 - answerReserve(8192)) * TOOL_SHARE);

    const warnings = only(events, 'status').filter((s) => s.level === 'warning');
    assert.equal(warnings.length, 1, 'told once per turn');
    assert.match(warnings[0].message, new RegExp(`left ${1000 - kept} tools of the MCP server "github" out of this turn`));
    assert.match(warnings[0].message, /small:3b's context window \(8192 tokens\)/);
    assert.match(warnings[0].message, /Turn off the MCP servers or tools you do not need: run "Hearth: List MCP Servers" and pick a server/);

    assert.deepEqual(executor.calls, [], 'the left-out tool did not run');
    const [result] = only(events, 'toolResult');
    assert.equal(result.result.isError, true);
    assert.match(result.result.content, /github\.tool_900 is not available in this turn: its definition did not fit/);
  });

  it('names the built-in tools as the cause when they alone fill the window', async () => {
    fixture.setModels([{ name: MODEL, contextLength: 2048 }]);
    const executor = new FakeToolExecutor(() => 'done', Object.values(BUILTIN_TOOLS));
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], { text: 'hello', context: [] }, { model: MODEL, executor }, new AbortController().signal));
    const [error] = only(events, 'error');
    assert.match(error.error.message, /of them for the definitions of 13 tools/);
    assert.match(error.error.message, /The built-in tools' definitions alone take most of this window/);
    assert.doesNotMatch(error.error.message, /Attach less context/);
  });
});
