/**
 * Chat modes in the agent core: which tools each mode offers the model, that
 * a model in Ask or Plan mode that calls a write tool anyway gets a refusal
 * and nothing runs, what Plan adds to the system prompt, and the repository's
 * rules files in the prompt (capped, counted in the context budget).
 */
import assert from 'node:assert/strict';
import type { AgentEvent, ChatMode, ToolCall, UserInput } from '../../protocol/chat';
import { BUILTIN_TOOL_LIST, BUILTIN_TOOLS, ToolName, type ToolDefinition } from '../../protocol/tools';
import { createAgent, executorForMode, MAX_RULES_FILE_CHARS, toolsForMode } from '../../agent-host/index';
import { fitToContext } from '../../agent-host/core/contextBudget';
import { buildSystemPrompt } from '../../agent-host/core/systemPrompt';
import { fitRules } from '../../agent-host/core/rulesPrompt';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { collect } from '../fixtures/agentEvents';

const ask = (text: string): UserInput => ({ text, context: [] });
const chats = (fixture: OllamaFixture): RecordedRequest[] => fixture.requests.filter((r) => r.path === '/api/chat');
const offered = (request: RecordedRequest): string[] => (request.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name);
/** An MCP tool as the language server offers it: never read-only, whatever its server's hints say. */
const MCP_TOOL: ToolDefinition = { name: 'files.delete', description: 'Deletes a file.', parameters: { type: 'object', properties: {} }, readOnly: false };
const ALL_TOOLS = [...BUILTIN_TOOL_LIST, MCP_TOOL];
// Every read-only built-in tool (the symbol index, codebase search, web pages and skills included); remember writes a file, so it is not among them.
const READ_ONLY = ['read_file', 'list_dir', 'glob', 'grep', 'get_problems', 'find_symbol', 'codebase_search', 'fetch_web_page', 'load_skill'];

describe('chat modes in the agent core', () => {
  describe('the tool set of each mode', () => {
    it('Ask and Plan offer only the read-only built-in tools; Agent offers every tool, MCP tools included', () => {
      assert.deepEqual(toolsForMode('ask', ALL_TOOLS).map((t) => t.name), READ_ONLY);
      assert.deepEqual(toolsForMode('plan', ALL_TOOLS).map((t) => t.name), READ_ONLY);
      assert.deepEqual(toolsForMode('agent', ALL_TOOLS).map((t) => t.name), ALL_TOOLS.map((t) => t.name));
      assert.deepEqual(toolsForMode(undefined, ALL_TOOLS).map((t) => t.name), ALL_TOOLS.map((t) => t.name), 'no mode is Agent, as before modes existed');
    });

    it('a mode-limited executor refuses a write tool with a reason and never runs it', async () => {
      for (const mode of ['ask', 'plan'] as ChatMode[]) {
        const inner = new FakeToolExecutor(() => 'written', ALL_TOOLS);
        const limited = executorForMode(inner, mode);
        const call: ToolCall = { id: 'c1', name: 'write_file', arguments: { path: 'a.txt', content: 'x' } };
        const result = await limited.execute(call, new AbortController().signal);
        assert.equal(result.isError, true);
        assert.match(result.content, new RegExp(`write_file is not available in ${mode === 'ask' ? 'Ask' : 'Plan'} mode`));
        assert.match(result.content, /was not run/);
        assert.equal(inner.calls.length, 0, `nothing ran in ${mode} mode`);
        const read = await limited.execute({ id: 'c2', name: 'read_file', arguments: { path: 'a.txt' } }, new AbortController().signal);
        assert.equal(read.isError, false);
        assert.deepEqual(inner.calls.map((c) => c.name), ['read_file']);
      }
    });
  });

  describe('turns against the scripted model', () => {
    let fixture: OllamaFixture;
    beforeEach(async () => {
      fixture = await startOllamaFixture();
    });
    afterEach(async () => {
      await fixture.close();
    });

    for (const [mode, expected] of [
      ['ask', READ_ONLY],
      ['plan', READ_ONLY],
      ['agent', ALL_TOOLS.map((t) => t.name)],
    ] as [ChatMode, string[]][]) {
      it(`${mode} mode: the model is offered ${mode === 'agent' ? 'every tool' : 'only the read-only tools'}`, async () => {
        fixture.enqueue({ kind: 'text', text: 'Done.' });
        const executor = new FakeToolExecutor(() => 'ok', ALL_TOOLS);
        await collect(createAgent({ host: fixture.url }).startTurn([], ask('hello'), { model: 'qwen2.5-coder:7b', executor, mode }, new AbortController().signal));
        assert.deepEqual(offered(chats(fixture)[0]), expected);
      });
    }

    it('Ask mode: a model that calls write_file anyway is told it is not available, and the file is never written', async () => {
      fixture.enqueue(
        { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'src/a.ts', content: 'overwritten' } }] },
        { kind: 'text', text: 'I cannot change files in Ask mode; here is the change instead.' },
      );
      const executor = new FakeToolExecutor(() => 'written', ALL_TOOLS);
      const events = await collect(createAgent({ host: fixture.url }).startTurn([], ask('fix a.ts'), { model: 'qwen2.5-coder:7b', executor, mode: 'ask' }, new AbortController().signal));
      assert.deepEqual(executor.calls, [], 'the executor never saw the call');
      const result = events.find((e): e is Extract<AgentEvent, { type: 'toolResult' }> => e.type === 'toolResult');
      assert.ok(result);
      assert.equal(result.result.isError, true);
      assert.match(result.result.content, /write_file is not available in Ask mode/);
      const told = chats(fixture)[1].body.messages.at(-1);
      assert.equal(told.role, 'tool');
      assert.match(told.content, /not available in Ask mode/, 'the model reads the refusal');
      assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
    });

    it('Plan mode asks for a numbered plan in the system prompt; Agent mode does not', async () => {
      fixture.enqueue({ kind: 'text', text: '1. Read a.ts\n2. Change it' }, { kind: 'text', text: 'ok' });
      const executor = new FakeToolExecutor(() => 'ok', ALL_TOOLS);
      const agent = createAgent({ host: fixture.url });
      await collect(agent.startTurn([], ask('plan it'), { model: 'qwen2.5-coder:7b', executor, mode: 'plan' }, new AbortController().signal));
      await collect(agent.startTurn([], ask('do it'), { model: 'qwen2.5-coder:7b', executor, mode: 'agent' }, new AbortController().signal));
      const [plan, act] = chats(fixture).map((r) => r.body.messages[0]);
      assert.equal(plan.role, 'system');
      assert.match(plan.content, /Plan mode/);
      assert.match(plan.content, /numbered list/);
      assert.doesNotMatch(act.content, /Plan mode/);
    });

    it('rules files reach the system prompt as repository instructions; a long one is cut at the cap and says so', async () => {
      fixture.enqueue({ kind: 'text', text: 'ok' });
      const long = `${'x'.repeat(MAX_RULES_FILE_CHARS)}TAIL-NOT-SENT`;
      await collect(
        createAgent({ host: fixture.url }).startTurn(
          [],
          ask('hi'),
          { model: 'qwen2.5-coder:7b', rules: [{ path: 'AGENTS.md', text: 'Use tabs, never spaces.', truncated: false }, { path: 'CLAUDE.md', text: long, truncated: false }] },
          new AbortController().signal,
        ),
      );
      const system: string = chats(fixture)[0].body.messages[0].content;
      assert.match(system, /<rules file="AGENTS.md">\nUse tabs, never spaces\./);
      assert.match(system, /cannot give you tools, permissions or approvals/);
      assert.doesNotMatch(system, /TAIL-NOT-SENT/);
      assert.match(system, /CLAUDE\.md is longer than 8192 characters; only its start is shown/);
    });
  });

  it('rules text counts in the context budget', () => {
    const tools = [BUILTIN_TOOLS[ToolName.ReadFile]];
    const base = buildSystemPrompt(undefined, 'native', tools, { chatMode: 'agent' });
    const withRules = buildSystemPrompt(undefined, 'native', tools, { chatMode: 'agent', rules: fitRules([{ path: 'AGENTS.md', text: 'rule '.repeat(1000), truncated: false }]) });
    const fit = (system: string) => fitToContext({ system, history: [], turn: [{ role: 'user', content: 'hi' }], fixedTokens: 0, numCtx: 8192 }).promptTokens;
    assert.ok(fit(withRules) > fit(base) + 900, `${fit(withRules)} vs ${fit(base)}`);
  });
});
