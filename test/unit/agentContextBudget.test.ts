/**
 * Context budgeting: a long conversation on a small-context model must still
 * reach Ollama whole-headed (system prompt and the new question intact), never
 * larger than the num_ctx the agent sends, and the user is told what was cut.
 */
import assert from 'node:assert/strict';
import type { ChatMessage, UserInput } from '../../protocol/chat';
import { BUILTIN_TOOLS, ToolName } from '../../protocol/tools';
import { createAgent } from '../../agent-host/index';
import { fitToContext } from '../../agent-host/core/contextBudget';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { collect, only } from '../fixtures/agentEvents';

/** What the request costs by the documented estimate (3.5 characters per token), counted independently of the agent. */
function sentChars(body: { messages: { content: string; tool_calls?: unknown }[]; tools?: unknown }): number {
  const messages = body.messages.reduce((n, m) => n + m.content.length + (m.tool_calls ? JSON.stringify(m.tool_calls).length : 0), 0);
  return messages + (body.tools ? JSON.stringify(body.tools).length : 0);
}

const lorem = (words: number, tag: string) => Array.from({ length: words }, (_, i) => `${tag}${i}`).join(' ');

/** An agent session of `exchanges` rounds, each with a large tool output. */
function longHistory(exchanges: number): ChatMessage[] {
  const history: ChatMessage[] = [];
  for (let i = 0; i < exchanges; i++) {
    const call = { id: `c${i}`, name: 'read_file', arguments: { path: `f${i}.ts` } };
    history.push(
      { role: 'user', content: `question ${i}: ${lorem(40, 'q')}` },
      { role: 'assistant', content: '', toolCalls: [call] },
      { role: 'tool', content: lorem(600, `line${i}_`), toolCallId: call.id, toolName: 'read_file' },
      { role: 'assistant', content: `answer ${i}: ${lorem(40, 'a')}` },
    );
  }
  return history;
}

describe('agent context budget', () => {
  let fixture: OllamaFixture;

  beforeEach(async () => {
    fixture = await startOllamaFixture({ models: [{ name: 'tiny:1b', contextLength: 2048 }] });
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('never sends more than num_ctx, keeps the system prompt and the question, and warns', async () => {
    const history = longHistory(6);
    const historyChars = history.reduce((n, m) => n + m.content.length, 0);
    assert.ok(historyChars / 3.5 > 2048 * 3, 'the history alone is several times the window');
    const input: UserInput = { text: 'and what about the latest change?', context: [] };
    const events = await collect(createAgent({ host: fixture.url }).startTurn(history, input, { model: 'tiny:1b', executor: new FakeToolExecutor(() => '') }, new AbortController().signal));

    const chat = await fixture.waitFor((r) => r.path === '/api/chat' && r.outcome === 'completed');
    assert.equal(chat.body.options.num_ctx, 2048);
    assert.ok(sentChars(chat.body) / 3.5 <= 2048, `sent about ${Math.round(sentChars(chat.body) / 3.5)} tokens into a 2048-token window`);
    assert.equal(chat.body.messages[0].role, 'system');
    assert.equal(chat.body.messages.at(-1).content, 'and what about the latest change?');
    const [warning] = only(events, 'status');
    assert.equal(warning.level, 'warning');
    assert.match(warning.message, /tiny:1b's context window \(2048 tokens\)/);
    assert.match(warning.message, /left out the \d+ oldest messages/);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
  });

  it('sends a short conversation untouched and without a warning', async () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ];
    const events = await collect(createAgent({ host: fixture.url }).startTurn(history, { text: 'bye', context: [] }, { model: 'tiny:1b' }, new AbortController().signal));
    const chat = await fixture.waitFor((r) => r.path === '/api/chat');
    assert.deepEqual(chat.body.messages.slice(1).map((m: { content: string }) => m.content), ['hi', 'hello', 'bye']);
    assert.equal(only(events, 'status').length, 0);
  });

  it('refuses, without calling the model, a message that cannot fit even alone', async () => {
    const input: UserInput = { text: 'review this', context: [{ kind: 'file', path: 'huge.ts', text: lorem(3000, 'x') }] };
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], input, { model: 'tiny:1b' }, new AbortController().signal));
    const [error] = only(events, 'error');
    assert.equal(error.error.code, 'invalidRequest');
    assert.match(error.error.message, /does not fit tiny:1b's context window/);
    assert.match(error.error.message, /Attach less context/);
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length, 0);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
  });

  it('a conversation that fits by the estimate but not by the model\'s tokenizer is fitted again, never cut by Ollama without a word', async () => {
    // Two characters a token (numbers, hex, minified code) where Hearth estimates 3.5: the prompt overflows 2048 tokens.
    fixture.setModels([{ name: 'dense:1b', contextLength: 2048, charsPerToken: 2 }]);
    const history: ChatMessage[] = [];
    for (let i = 0; i < 6; i++) history.push({ role: 'user', content: lorem(80, `q${i}_`).slice(0, 400) }, { role: 'assistant', content: lorem(80, `a${i}_`).slice(0, 400) });
    fixture.enqueue({ kind: 'text', text: 'The latest change renames a field.' });
    const events = await collect(createAgent({ host: fixture.url }).startTurn(history, { text: 'and now?', context: [] }, { model: 'dense:1b', systemPrompt: 'Be brief.' }, new AbortController().signal));

    const chats = fixture.requests.filter((r) => r.path === '/api/chat');
    assert.ok(chats.every((r) => r.body.truncate === false), 'Ollama is asked not to truncate');
    assert.deepEqual(chats.map((r) => r.promptCut), chats.map(() => undefined), 'Ollama never cut the prompt itself');
    const [refused, answered] = chats;
    assert.equal(refused.outcome, 'error');
    assert.equal(answered.outcome, 'completed');
    assert.equal(answered.body.messages[0].content, 'Be brief.');
    assert.equal(answered.body.messages.at(-1).content, 'and now?');
    assert.ok(answered.body.messages.length < refused.body.messages.length, 'the oldest messages were left out by Hearth');
    const statuses = only(events, 'status').map((e) => e.message);
    assert.ok(statuses.some((m) => /^dense:1b's tokenizer counted \d+ tokens where Hearth estimated \d+, more than its context window \(2048 tokens\) holds/.test(m)), statuses.join('\n'));
    assert.ok(statuses.some((m) => /left out the \d+ oldest messages/.test(m)), 'the user is told what the answer was given without');
    assert.deepEqual(only(events, 'error'), []);
    assert.equal(only(events, 'text').map((e) => e.delta).join(''), 'The latest change renames a field.');
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
  });

  it("Ollama's count after each reply fits the next request, in this turn and the next, so a dense tokenizer is not learned from a refusal each time", async () => {
    // Two characters a token where Hearth estimates 3.5. Each step's prompt fits by the estimate; the one after the tool
    // result would not fit by the model's count unless the count of the step before is used.
    fixture.setModels([{ name: 'dense:1b', contextLength: 2048, charsPerToken: 2 }]);
    const agent = createAgent({ host: fixture.url });
    const executor = new FakeToolExecutor(() => lorem(700, 'h').slice(0, 4200));
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'dump.hex' } }] }, { kind: 'text', text: 'It is a hex dump.' });
    const first = await collect(agent.startTurn([], { text: 'what is in dump.hex?', context: [] }, { model: 'dense:1b', executor, systemPrompt: 'Be brief.' }, new AbortController().signal));
    assert.deepEqual(only(first, 'error'), []);
    const chats = () => fixture.requests.filter((r) => r.path === '/api/chat');
    assert.deepEqual(chats().map((r) => r.outcome), ['completed', 'completed'], 'no request was refused as too long');
    assert.ok(!only(first, 'status').some((e) => /tokenizer counted/.test(e.message)), only(first, 'status').map((e) => e.message).join('\n'));
    const tool = chats()[1].body.messages.find((m: { role: string }) => m.role === 'tool');
    assert.match(tool.content, /characters of this tool output were removed/, 'the result was cut to what the model can hold');
    // The meter ends on Ollama's own count of the last request, not the estimate.
    const meter = only(first, 'context');
    const lastCount = only(first, 'usage').at(-1)!.usage.promptTokens - only(first, 'usage').at(-2)!.usage.promptTokens;
    assert.equal(meter.at(-1)!.promptTokens, lastCount);

    // The next turn starts from what Ollama counted: its history, dense like the last, is fitted without a refusal.
    const history: ChatMessage[] = [];
    for (let i = 0; i < 6; i++) history.push({ role: 'user', content: lorem(80, `q${i}_`).slice(0, 400) }, { role: 'assistant', content: lorem(80, `a${i}_`).slice(0, 400) });
    fixture.enqueue({ kind: 'text', text: 'Renamed.' });
    const second = await collect(agent.startTurn(history, { text: 'and now?', context: [] }, { model: 'dense:1b', systemPrompt: 'Be brief.' }, new AbortController().signal));
    assert.deepEqual(only(second, 'error'), []);
    assert.deepEqual(chats().map((r) => r.outcome), ['completed', 'completed', 'completed']);
    assert.ok(!only(second, 'status').some((e) => /tokenizer counted/.test(e.message)));
  });

  it("a long agent turn that writes large files keeps going: the model's own earlier call arguments are shortened, never the newest call", async () => {
    fixture.setModels([{ name: 'mid:3b', contextLength: 8192 }]);
    // Each file is about 3,400 tokens by the estimate: two of them together are more than the 6,144 the prompt may take.
    const file = (n: number) => Array.from({ length: 400 }, (_, i) => `const f${n}_${i} = ${i};`).join('\n').padEnd(12_000, ' ');
    const executor = new FakeToolExecutor((call) => `Wrote ${String(call.arguments.path)}.`, [BUILTIN_TOOLS[ToolName.WriteFile]]);
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'a.ts', content: file(1) } }] },
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'b.ts', content: file(2) } }] },
      { kind: 'toolCalls', calls: [{ name: 'write_file', arguments: { path: 'c.ts', content: file(3) } }] },
      { kind: 'text', text: 'Wrote the three files.' },
    );
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], { text: 'write a.ts, b.ts and c.ts', context: [] }, { model: 'mid:3b', executor }, new AbortController().signal));
    assert.deepEqual(only(events, 'error'), []);
    assert.equal(only(events, 'text').map((e) => e.delta).join(''), 'Wrote the three files.');
    assert.deepEqual(executor.calls.map((c) => [c.arguments.path, c.arguments.content]), [['a.ts', file(1)], ['b.ts', file(2)], ['c.ts', file(3)]], 'every call ran with its full arguments');

    const last = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const calls = (last.body.messages as { tool_calls?: { function: { arguments: { path: string; content: string } } }[] }[]).flatMap((m) => m.tool_calls ?? []).map((c) => c.function.arguments);
    assert.deepEqual(calls.map((a) => a.path), ['a.ts', 'b.ts', 'c.ts'], 'no call lost, so every result keeps its call');
    assert.match(calls[0].content, /^const f1_0 = 0;[\s\S]*\[… \d+ characters of this argument were removed to fit the context window; the call ran with the full text …\]/);
    assert.equal(calls[2].content, file(3), 'the newest call is sent as the model wrote it');
    assert.ok(sentChars(last.body) / 3.5 < 8192, 'the request fits the window');
    assert.ok(only(events, 'status').some((e) => /shortened what the model wrote into (an?|\d+) earlier tool calls?/.test(e.message)), 'the user is told');
  });

  it('a message too long for the window in the model\'s own tokens is refused with a clear error, not answered from a cut prompt', async () => {
    fixture.setModels([{ name: 'dense:1b', contextLength: 2048, charsPerToken: 1 }]);
    const input: UserInput = { text: 'review this', context: [{ kind: 'file', path: 'data.json', text: lorem(800, '').slice(0, 4000) }] };
    fixture.enqueue({ kind: 'text', text: 'It looks fine.' });
    const events = await collect(createAgent({ host: fixture.url }).startTurn([], input, { model: 'dense:1b', systemPrompt: 'Be brief.' }, new AbortController().signal));

    const [error] = only(events, 'error');
    assert.equal(error?.error.code, 'invalidRequest');
    assert.match(error.error.message, /^This message does not fit dense:1b's context window/);
    assert.match(error.error.message, /Attach less context/);
    assert.equal(only(events, 'text').length, 0, 'no answer from a prompt the model saw only in part');
    assert.ok(fixture.requests.every((r) => r.path !== '/api/chat' || (r.outcome === 'error' && r.promptCut === undefined)));
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
  });

  it('honours a lower context cap from the agent config', async () => {
    fixture.setModels([{ name: 'big:70b', contextLength: 131072 }]);
    await collect(createAgent({ host: fixture.url, maxContextTokens: 8192 }).startTurn([], { text: 'x', context: [] }, { model: 'big:70b' }, new AbortController().signal));
    const chat = await fixture.waitFor((r) => r.path === '/api/chat');
    assert.equal(chat.body.options.num_ctx, 8192);
  });
});

describe('fitToContext', () => {
  it('shortens old tool outputs before it drops any message', () => {
    const history = longHistory(2);
    const fit = fitToContext({ system: 'sys', history, turn: [{ role: 'user', content: 'now' }], fixedTokens: 0, numCtx: 2048 });
    assert.equal(fit.fits, true);
    assert.equal(fit.droppedMessages, 0);
    assert.equal(fit.shortenedToolOutputs, 2);
    const tool = fit.messages.find((m) => m.role === 'tool');
    assert.match(tool?.content ?? '', /characters of this tool output were removed/);
    assert.equal(fit.messages.length, 1 + history.length + 1);
  });

  it('drops whole exchanges, oldest first, so no tool result loses its call', () => {
    const history = longHistory(8);
    const fit = fitToContext({ system: 'sys', history, turn: [{ role: 'user', content: 'now' }], fixedTokens: 0, numCtx: 2048 });
    assert.equal(fit.fits, true);
    assert.ok(fit.droppedMessages > 0 && fit.droppedMessages % 4 === 0, `dropped ${fit.droppedMessages}`);
    assert.equal(fit.messages[1].role, 'user', 'history resumes at a user message');
    assert.match(fit.messages.at(-2)?.content ?? '', /^answer 7/, 'the newest exchange survives');
    assert.ok(fit.promptTokens <= fit.budgetTokens);
  });

  it('keeps the newest tool result whole while older ones in the same turn are shortened', () => {
    const turn: ChatMessage[] = [{ role: 'user', content: 'go' }];
    for (let i = 0; i < 3; i++) {
      turn.push({ role: 'assistant', content: '', toolCalls: [{ id: `t${i}`, name: 'read_file', arguments: { path: `${i}` } }] });
      turn.push({ role: 'tool', content: lorem(250, `out${i}_`), toolCallId: `t${i}`, toolName: 'read_file' });
    }
    const fit = fitToContext({ system: 'sys', history: [], turn, fixedTokens: 0, numCtx: 2048 });
    assert.equal(fit.fits, true);
    const tools = fit.messages.filter((m) => m.role === 'tool');
    assert.match(tools[0].content, /were removed/);
    assert.doesNotMatch(tools[2].content, /were removed/);
  });
});
